"""Word-level comparison of two clause texts (e.g. the time limits of two agreements)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

DiffKind = Literal["equal", "insert", "delete"]

# A word (letters/digits, with inner hyphens or apostrophes) or a single punctuation mark,
# together with the whitespace that follows it: comparison uses the token alone, so a
# change of line wrapping is not a change of wording, while the output keeps the spacing.
_TOKEN = re.compile(r"(\w+(?:[-'’]\w+)*|[^\w\s])(\s*)")


@dataclass(frozen=True)
class DiffSegment:
    kind: DiffKind
    text: str


def _tokens(text: str) -> tuple[str, list[str], list[str]]:
    """Leading whitespace, comparison keys, and the display text of each token."""
    leading = text[: len(text) - len(text.lstrip())]
    keys: list[str] = []
    shown: list[str] = []
    for match in _TOKEN.finditer(text, len(leading)):
        keys.append(match.group(1))
        shown.append(match.group(0))
    return leading, keys, shown


def word_diff(a: str, b: str) -> tuple[DiffSegment, ...]:
    """Segments turning `a` into `b`; adjacent segments of the same kind are merged.

    Joining the "equal" and "insert" segments gives `b` exactly, and joining "equal" and
    "delete" gives `a` exactly. Where only the spacing after an unchanged word differs, the
    difference is a whitespace-only delete/insert pair (displays can ignore those).
    """
    lead_a, keys_a, shown_a = _tokens(a)
    lead_b, keys_b, shown_b = _tokens(b)
    segments: list[DiffSegment] = []

    def emit(kind: DiffKind, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1] = DiffSegment(kind, segments[-1].text + text)
        else:
            segments.append(DiffSegment(kind, text))

    def emit_same(text_a: str, text_b: str) -> None:
        if text_a == text_b:
            emit("equal", text_b)
        else:
            emit("delete", text_a)
            emit("insert", text_b)

    emit_same(lead_a, lead_b)
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                token = keys_b[j]
                emit("equal", token)
                emit_same(shown_a[i][len(token) :], shown_b[j][len(token) :])
        else:
            # delete before insert reads naturally: "within [-21 calendar days-][+one month+]"
            emit("delete", "".join(shown_a[i1:i2]))
            emit("insert", "".join(shown_b[j1:j2]))
    return tuple(segments)


def similarity(a: str, b: str) -> float:
    """Share of words in common (0..1), the ratio difflib computes on the word tokens."""
    _, keys_a, _ = _tokens(a)
    _, keys_b, _ = _tokens(b)
    return difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False).ratio()


def render_inline(
    segments: tuple[DiffSegment, ...],
    *,
    delete: tuple[str, str] = ("[-", "-]"),
    insert: tuple[str, str] = ("{+", "+}"),
) -> str:
    """Plain-text rendering with markers around changes (for the CLI and tests)."""
    out: list[str] = []
    for segment in segments:
        if segment.kind == "equal":
            out.append(segment.text)
            continue
        body = segment.text.rstrip()
        if not body:  # a change of spacing only: show the new spacing, unmarked
            out.append(segment.text if segment.kind == "insert" else "")
            continue
        opening, closing = delete if segment.kind == "delete" else insert
        trailing = segment.text[len(body) :]
        out.append(f"{opening}{body}{closing}{trailing}")
    return "".join(out)
