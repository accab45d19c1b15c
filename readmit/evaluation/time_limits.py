"""Time-limit extraction measured against hand labels (tests/labels/time_limits.jsonl).

Each label row is one time limit as printed in an article (`text`, `number`, `unit`,
`purpose`); a row with `number: null` records an article checked by hand that has none. Every
time limit of a labelled article is labelled, so extractions there that match no label count
against precision. A label and an extraction match when their character spans overlap.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.time_limits import extract_time_limits

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase


@dataclass(frozen=True)
class TimeLimitEvaluation:
    gold: int
    extracted: int
    matched: int
    value_correct: int  # matched with the right number and unit
    purpose_correct: int  # matched with the right purpose
    misses: tuple[str, ...] = ()  # "doc eid: text" of labels nothing matched
    spurious: tuple[str, ...] = ()  # extractions that match no label

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def value_accuracy(self) -> float:
        return self.value_correct / self.matched if self.matched else 0.0

    @property
    def purpose_accuracy(self) -> float:
        return self.purpose_correct / self.matched if self.matched else 0.0


def load_time_limit_labels(path: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    labels: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            key = (row["doc_id"], row["eid"])
            labels.setdefault(key, [])
            if row["number"] is not None:
                labels[key].append(row)
    return labels


def _gold_spans(text: str, rows: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Character spans of the labelled texts, the n-th label of a text at its n-th occurrence."""
    lowered = " ".join(text.split()).lower()
    spans: list[tuple[int, int, dict[str, Any]]] = []
    cursor_by_text: dict[str, int] = {}
    for row in rows:
        needle = row["text"].lower()
        found = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)").search(
            lowered, cursor_by_text.get(needle, 0)
        )
        start = found.start() if found else -1
        if start < 0:
            raise ValueError(f"label {row['text']!r} not found in {row['doc_id']} {row['eid']}")
        cursor_by_text[needle] = start + len(needle)
        spans.append((start, start + len(needle), row))
    return spans


def evaluate_time_limits(kb: KnowledgeBase, labels_path: Path) -> TimeLimitEvaluation:
    """Extraction scored over the labelled articles as stored in `kb`'s index."""

    def unit_text(doc_id: str, eid: str) -> str:
        unit = kb.article(doc_id, eid)
        if unit is None:
            raise ValueError(f"labelled article {doc_id} {eid} is not in the index")
        return unit.text

    return score_time_limits(unit_text, labels_path)


def score_time_limits(
    unit_text: Callable[[str, str], str], labels_path: Path
) -> TimeLimitEvaluation:
    """Extraction scored over the labelled articles, whose texts `unit_text(doc_id, eid)` gives."""
    labels = load_time_limit_labels(labels_path)
    gold = extracted = matched = value_ok = purpose_ok = 0
    misses, spurious = [], []
    for (doc_id, eid), rows in sorted(labels.items()):
        text = " ".join(unit_text(doc_id, eid).split())  # labels use whitespace-normalised text
        spans = _gold_spans(text, rows)
        found = extract_time_limits(text)
        gold += len(spans)
        extracted += len(found)
        used: set[int] = set()
        for limit in found:
            hit = next(
                (
                    i
                    for i, (s, e, _) in enumerate(spans)
                    if i not in used and limit.start < e and s < limit.end
                ),
                None,
            )
            if hit is None:
                spurious.append(f"{doc_id} {eid}: {limit.text}")
                continue
            used.add(hit)
            row = spans[hit][2]
            matched += 1
            value_ok += limit.number == row["number"] and limit.unit == row["unit"]
            purpose_ok += limit.purpose == row["purpose"]
        misses += [
            f"{doc_id} {eid}: {row['text']}" for i, (_, _, row) in enumerate(spans) if i not in used
        ]
    return TimeLimitEvaluation(
        gold, extracted, matched, value_ok, purpose_ok, tuple(misses), tuple(spurious)
    )
