"""OCR of scanned PDF pages: poppler's `pdftoppm` renders a page, Tesseract (pytesseract) reads it.

Only pages without a text layer are read this way (see `ingest.extract`). Each recognised line
comes back with its position in PDF points, so the same paragraph reflow as for born-digital
pages applies. When Tesseract or pdftoppm is missing, `find_ocr()` says why, and the caller
fails the file with "needs OCR" instead of indexing an empty document.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# Set READMIT_OCR=off to treat OCR as not installed (fast batch runs, tests of that path).
OCR_ENV = "READMIT_OCR"
# Corpus language (ISO 639-1, as in the sidecars) -> Tesseract language pack.
TESSERACT_LANGUAGES = {"en": "eng", "nl": "nld", "fr": "fra", "de": "deu"}
RENDER_DPI = 300
MAX_RENDER_PIXELS = 5000  # longest side of a rendered page: a huge MediaBox must not eat RAM
PAGE_TIMEOUT_SECONDS = 300  # one page; Tesseract on a 300 dpi A4 page takes a few seconds
INSTALL_HINT = "install tesseract-ocr and poppler-utils (make ocr)"


class OcrError(Exception):
    """A page could not be rendered or read; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OcrLine:
    """One recognised line; x, y (baseline-ish, growing upwards) and size in PDF points."""

    text: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class OcrEngine:
    """An installed Tesseract + pdftoppm pair and the language packs Tesseract has."""

    tesseract: str
    pdftoppm: str
    languages: frozenset[str]

    def language_spec(self, language: str | None) -> str:
        """Tesseract's -l value: the document's language if its pack is installed, else all
        corpus languages that are (slower, but never reads Dutch with English rules only)."""
        wanted = TESSERACT_LANGUAGES.get((language or "").lower())
        if wanted in self.languages:
            return str(wanted)
        available = [code for code in TESSERACT_LANGUAGES.values() if code in self.languages]
        return "+".join(available) or "eng"

    def read_page(
        self,
        pdf: Path,
        page: int,
        *,
        width: float,
        height: float,
        language: str | None = None,
        password: str | None = None,
    ) -> list[OcrLine]:
        """Render page `page` (1-based; `width` x `height` points) and recognise its lines."""
        import pytesseract
        from PIL import Image

        dpi = _render_dpi(width, height)
        with tempfile.TemporaryDirectory(prefix="readmit-ocr-") as folder:
            root = Path(folder) / "page"
            command = [self.pdftoppm, "-f", str(page), "-l", str(page), "-r", str(dpi)]
            command += ["-gray", "-png", "-singlefile"]
            if password:
                command += ["-upw", password]
            command += [str(pdf), str(root)]
            try:
                subprocess.run(
                    command, check=True, capture_output=True, timeout=PAGE_TIMEOUT_SECONDS
                )
            except subprocess.CalledProcessError as error:
                message = error.stderr.decode("utf-8", "replace").strip().splitlines()
                raise OcrError(f"cannot render page {page} ({(message or ['?'])[-1]})") from error
            except subprocess.TimeoutExpired as error:
                raise OcrError(f"rendering page {page} took too long") from error
            image_path = root.with_suffix(".png")
            if not image_path.exists():
                raise OcrError(f"cannot render page {page} (no image produced)")
            pytesseract.pytesseract.tesseract_cmd = self.tesseract
            # Tesseract's OpenMP threads make it several times slower on a busy small machine;
            # pages are read one after another anyway. (pytesseract passes our environment.)
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            try:
                with Image.open(image_path) as image:
                    data = pytesseract.image_to_data(
                        image,
                        lang=self.language_spec(language),
                        output_type=pytesseract.Output.DICT,
                        timeout=PAGE_TIMEOUT_SECONDS,
                    )
            except (pytesseract.TesseractError, RuntimeError, OSError) as error:
                raise OcrError(f"Tesseract failed on page {page} ({error})") from error
        return _lines(data, points_per_pixel=72.0 / dpi, page_height=height)


def _render_dpi(width: float, height: float) -> int:
    longest_inches = max(width, height, 1.0) / 72.0
    return max(36, min(RENDER_DPI, int(MAX_RENDER_PIXELS / longest_inches)))


def _lines(
    data: dict[str, list[Any]], *, points_per_pixel: float, page_height: float
) -> list[OcrLine]:
    """Group Tesseract's words into its lines, in reading order, with positions in points."""
    grouped: dict[tuple[int, int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if not str(word).strip():
            continue
        key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
        grouped.setdefault(key, []).append(i)
    lines: list[OcrLine] = []
    for key in sorted(grouped):
        words = grouped[key]
        text = " ".join(str(data["text"][i]).strip() for i in words)
        left = min(int(data["left"][i]) for i in words)
        bottom = max(int(data["top"][i]) + int(data["height"][i]) for i in words)
        heights = sorted(int(data["height"][i]) for i in words)
        size = heights[len(heights) // 2] * points_per_pixel
        lines.append(
            OcrLine(
                text=text,
                x=left * points_per_pixel,
                y=page_height - bottom * points_per_pixel,
                size=max(size, 1.0),
            )
        )
    return lines


def find_ocr() -> OcrEngine | None:
    """The installed OCR engine, or None (see `unavailable_reason`)."""
    if os.environ.get(OCR_ENV, "").lower() in {"0", "off", "no", "false"}:
        return None
    return _find(os.environ.get("PATH", ""))


def unavailable_reason() -> str:
    """Why `find_ocr()` returned None, for the "needs OCR" message."""
    if os.environ.get(OCR_ENV, "").lower() in {"0", "off", "no", "false"}:
        return f"OCR is switched off ({OCR_ENV}={os.environ[OCR_ENV]})"
    return f"Tesseract OCR is not installed: {INSTALL_HINT}"


@lru_cache(maxsize=4)
def _find(search_path: str) -> OcrEngine | None:
    tesseract = shutil.which("tesseract", path=search_path)
    pdftoppm = shutil.which("pdftoppm", path=search_path)
    if tesseract is None or pdftoppm is None:
        return None
    try:
        import pytesseract  # noqa: F401  (the wrapper must be installed too)
    except ImportError:
        return None
    try:
        listed = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # The first line is a header ("List of available languages in ...").
    languages = frozenset(line.strip() for line in listed.splitlines()[1:] if line.strip())
    return OcrEngine(tesseract=tesseract, pdftoppm=pdftoppm, languages=languages)
