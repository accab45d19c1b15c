"""Write the `readmit` command reference, docs/cli.md, from the commands' own `--help`.

    python scripts/cli_reference.py                 # rewrite docs/cli.md
    python scripts/cli_reference.py --check         # exit 1 when docs/cli.md is out of date
    python scripts/cli_reference.py -o FILE         # write elsewhere

The help text is click's, rendered at a fixed width of 100 columns so that the file does not
change with the terminal it was generated in. Nothing is written by hand here: a command's help
changes in its module under readmit/cli/, and this script copies it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import click

from readmit.cli import main

WIDTH = 100
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# The `readmit` command: reference

Generated from `readmit --help` and each command's `--help` by `python scripts/cli_reference.py`;
do not edit by hand (`python scripts/cli_reference.py --check` says whether it is current).
Worked examples are in `README.md` ("First steps") and `docs/usage.md`.
"""


def help_text(command: click.Command, path: list[str], parent: click.Context | None) -> str:
    """The command's `--help` as click prints it, at a fixed width."""
    context = click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=WIDTH, max_content_width=WIDTH
    )
    return command.get_help(context)


def sections(
    command: click.Command, path: list[str], parent: click.Context | None = None
) -> list[str]:
    """One Markdown section per command, subcommands after their group, in name order."""
    context = click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=WIDTH, max_content_width=WIDTH
    )
    title = " ".join(path)
    parts = [f"## `{title}`\n\n```text\n{help_text(command, path, parent)}\n```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(context)):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                parts.extend(sections(sub, [*path, name], context))
    return parts


def reference() -> str:
    """The whole reference as Markdown."""
    return "\n".join([HEADER, *sections(main, ["readmit"])])


def main_script() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="file to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args()
    text = reference()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run python scripts/cli_reference.py")
            return 1
        print(f"{args.out} is current")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count('## `')} commands)")
    return 0


if __name__ == "__main__":
    sys.exit(main_script())
