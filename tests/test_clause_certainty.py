"""One definition of how far a clause-type assignment can be trusted (`index.slots.certainty`):
a logistic model of the evidence kinds fitted on the tune labels (index/slot_calibration.py,
scripts/calibrate_clause_types.py), used by the matrix marks, the gap check and the listings."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from index.slot_calibration import WEIGHTS
from index.slots import (
    CALIBRATION_FEATURES,
    certainty,
    certainty_mark,
    is_confident,
    probability_right,
)
from index.types import SlotAssignment
from readmit.clauses.gaps import clause_slots
from readmit.clauses.matrix import MatrixCell
from readmit.drafting.model import DraftClause, Provenance


def _assignment(method: str, confidence: float = 0.9, slot: str = "transit") -> SlotAssignment:
    return SlotAssignment("doc", "art_1", slot, confidence, method)


def test_the_calibration_file_has_a_weight_for_every_feature() -> None:
    assert set(WEIGHTS) == set(CALIBRATION_FEATURES)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # a heading confirmed by the body's words: right 50 of 50 times on the tune labels
        ("heading+body+embedding", "confident"),
        ("heading+body-weak+embedding", "confident"),
        # body words with the nearest embedding: right about four times in five
        ("body+embedding", "probable"),
        ("body-weak+time-limit+embedding", "probable"),
        ("time-limit", "probable"),
        # a heading alone, not confirmed by anything: wrong more often than right
        ("heading", "doubtful"),
    ],
)
def test_certainty_follows_the_evidence(method: str, expected: str) -> None:
    assert certainty(_assignment(method)) == expected


def test_more_evidence_never_lowers_the_probability() -> None:
    weakest = probability_right(_assignment("heading"))
    assert probability_right(_assignment("heading+embedding")) >= weakest
    assert probability_right(_assignment("heading+body")) > probability_right(
        _assignment("heading+embedding")
    )


def test_other_and_unassigned_are_never_confident() -> None:
    assert probability_right(_assignment("fallback", 0.9, "other")) == 0.0
    assert not is_confident(_assignment("heading+body", 0.3))


def test_marks_are_plain_tilde_and_question_mark() -> None:
    assert certainty_mark(_assignment("heading+body")) == ""
    assert certainty_mark(_assignment("body+embedding")) == "~"
    assert certainty_mark(_assignment("heading")) == "?"
    cell = MatrixCell(("art_1", "art_2", "art_3"), (False, True, True), ("", "~", "?"))
    assert cell.render() == "art_1; art_2~; art_3?"
    assert cell.short() == "Art. 1; Art. 2~; Art. 3?"


def test_the_gap_check_counts_only_confident_clause_types_of_a_source() -> None:
    """A draft article taken from a source covers the clause types the source has with
    confidence; a merely probable one (formerly over the 0.7 cut) does not."""
    stored = [
        SlotAssignment("doc", "art_5", "transit", 0.95, "heading+body+embedding"),
        SlotAssignment("doc", "art_5", "costs", 0.9, "body+embedding"),
        SlotAssignment("doc", "art_5", "escort", 0.85, "heading"),
    ]
    kb = SimpleNamespace(
        collection=SimpleNamespace(
            slot_assignments=lambda doc_id: list(stored),
            keyword_rows=lambda doc_id: {},  # no keyword evidence kept: the rules run
        )
    )
    provenance = Provenance(
        "doc", "A", "Article 5", None, "art_5", "body", None, None, None, None, "xx"
    )
    clause = DraftClause("c1", "transit", "", "", "", provenance)
    assert clause_slots(cast(Any, kb), clause) == {"transit"}
