"""Text from documents, file names and users made inert wherever it is shown or exported.

Terminal control (ESC sequences, OSC titles, BEL, NUL, C1 controls such as the one-character
CSI U+009B) and the characters that make text display as something other than what it is:
bidirectional overrides, embeddings and isolates (a title shown reversed, "Trojan Source",
CVE-2021-42574) and invisible zero-width characters. They are removed, as GitHub and compilers
flag them; the script's own direction (Arabic, Hebrew letters) is untouched. Zero-width
(non-)joiners U+200C/U+200D stay: Persian and Indic spellings need them and they reorder
nothing.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL and the C1 controls.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# LRM, RLM, ALM; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
_BIDI = "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
# Zero-width space, word joiner, invisible operators, Mongolian vowel separator, BOM.
_INVISIBLE = "\u200b\u2060-\u2064\u180e\ufeff"

_DISPLAY_TRICKS = re.compile(f"[{_BIDI}{_INVISIBLE}]")
_EXPORT_UNSAFE = re.compile(f"[{_CONTROL}{_BIDI}{_INVISIBLE}]")


def without_display_tricks(text: str) -> str:
    """`text` without bidi controls and invisible characters (control characters kept)."""
    return _DISPLAY_TRICKS.sub("", text)


def inert_text(text: str) -> str:
    """`text` without control, bidi and invisible characters; tabs and newlines kept."""
    return _EXPORT_UNSAFE.sub("", text)
