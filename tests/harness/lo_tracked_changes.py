"""Accept or reject every tracked change of a Word file in LibreOffice, through its UNO API,
and print the paragraphs that remain as JSON (plus how many changes LibreOffice saw).

Run with Debian's Python, which has python3-uno (the project's venv has no `uno`):
    /usr/bin/python3 tests/harness/lo_tracked_changes.py FILE.docx accept|reject PROFILE_DIR
The test calls it through `tracked_change_texts` in tests/harness/word_files.py.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _property(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def main() -> None:
    path, action, profile = Path(sys.argv[1]).resolve(), sys.argv[2], Path(sys.argv[3])
    pipe = f"readmit-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        context = None
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # NoConnectException until soffice listens
                time.sleep(0.5)
        if context is None:
            raise SystemExit("LibreOffice did not start")
        manager = context.ServiceManager
        desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(
            path.as_uri(), "_blank", 0, (_property("Hidden", True),)
        )
        changes = document.getRedlines().getCount()
        authors = sorted({r.getPropertyValue("RedlineAuthor") for r in document.getRedlines()})
        dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        frame = document.getCurrentController().getFrame()
        command = (
            ".uno:AcceptAllTrackedChanges"
            if action == "accept"
            else (".uno:RejectAllTrackedChanges")
        )
        dispatcher.executeDispatch(frame, command, "", 0, ())
        paragraphs = []
        enumeration = document.getText().createEnumeration()
        while enumeration.hasMoreElements():
            element = enumeration.nextElement()
            if element.supportsService("com.sun.star.text.Paragraph"):
                paragraphs.append(element.getString())
        remaining = document.getRedlines().getCount()
        document.close(True)
        print(
            json.dumps(
                {
                    "changes": changes,
                    "authors": authors,
                    "remaining": remaining,
                    "paragraphs": paragraphs,
                }
            )
        )
    finally:
        with contextlib.suppress(Exception):  # not connected, or already gone
            desktop.terminate()
        office.terminate()
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
