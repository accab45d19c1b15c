"""Slot assignment measured against hand labels (tests/labels/slots.jsonl): per-slot
precision, recall and F1."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.slots import classify_document
from ingest.taxonomy import slot_keys

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase


@dataclass(frozen=True)
class SlotScore:
    slot: str
    support: int  # labelled articles with the slot
    predicted: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_slots(
    gold: dict[tuple[str, str], set[str]], predicted: dict[tuple[str, str], set[str]]
) -> list[SlotScore]:
    """Per-slot precision/recall over the labelled articles (slots never labelled are skipped)."""
    scores = []
    for slot in slot_keys():
        support = sum(slot in s for s in gold.values())
        if not support:
            continue
        made = sum(slot in predicted.get(key, set()) for key in gold)
        hits = sum(slot in s and slot in predicted.get(key, set()) for key, s in gold.items())
        scores.append(SlotScore(slot, support, made, hits))
    return scores


def macro_f1(scores: Sequence[SlotScore]) -> float:
    return sum(s.f1 for s in scores) / len(scores) if scores else 0.0


def predict_labelled(
    kb: KnowledgeBase, doc_ids: Iterable[str], *, use_embeddings: bool = True
) -> dict[tuple[str, str], set[str]]:
    """Slots (confidence ≥ assignment threshold) of every unit of these documents, as computed
    now (not as stored), so that variants can be compared."""
    predicted: dict[tuple[str, str], set[str]] = {}
    for doc_id in sorted(set(doc_ids)):
        for assignment in classify_document(kb.collection, doc_id, use_embeddings=use_embeddings):
            predicted.setdefault((doc_id, assignment.eid), set()).add(assignment.slot)
    return predicted


def load_slot_labels(path: Path) -> dict[tuple[str, str], set[str]]:
    labels: dict[tuple[str, str], set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[(row["doc_id"], row["eid"])] = set(row["slots"])
    return labels
