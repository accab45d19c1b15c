"""Time limits across agreements: the table, its CSV, and the shortest and longest per purpose.

Time limits are extracted from the stored unit texts on demand (`ingest.time_limits`, pure
regex, fast).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from index.types import DocumentRecord, UnitRecord
from ingest.citations import cite_eid_short
from ingest.time_limits import PURPOSES, TimeLimit, extract_time_limits
from ingest.types import is_guidance_kind
from readmit.clauses.csv_output import write_csv
from readmit.clauses.scope import ClauseScope, scoped_documents

if TYPE_CHECKING:
    from readmit.service import KnowledgeBase

TIME_LIMIT_COLUMNS = (
    "doc_id",
    "title",
    "language",
    "year",
    "eid",
    "article",
    "number",
    "unit",
    "purpose",
    "text",
    "sentence",
    "kind",  # the document's kind; "policy guide"/"regulation" rows are guidance, not precedents
)


def time_limits(
    kb: KnowledgeBase, *, all_documents: bool = False, scope: ClauseScope | None = None
) -> list[tuple[DocumentRecord, UnitRecord, TimeLimit]]:
    """Every time limit in every article of every document in scope, in reading order: the
    precedents, and with `all_documents` (the CLI's --all, the app's "Include conventions")
    also the conventions and the guidance documents (policy guides, regulations; marked by
    their kind), which speak to the same periods from the rules' side."""
    found = []
    documents = scoped_documents(kb, all_documents, scope)
    for document in documents:
        for unit in kb.collection.list_units(document.doc_id):
            for limit in extract_time_limits(
                unit.text, language=document.language, doc_id=document.doc_id, eid=unit.eid
            ):
                found.append((document, unit, limit))
    return found


def time_limit_table(
    kb: KnowledgeBase, *, all_documents: bool = False, scope: ClauseScope | None = None
) -> list[dict[str, str]]:
    """Rows of the "time limits across agreements" table."""
    return [
        {
            "doc_id": document.doc_id,
            "title": document.title,
            "language": document.language,
            "year": "" if document.year is None else str(document.year),
            "eid": unit.eid,
            "article": unit.label,
            "number": str(limit.number),
            "unit": limit.unit,
            "purpose": limit.purpose,
            "text": limit.text,
            "sentence": " ".join(limit.sentence.split()),
            "kind": document.kind,
        }
        for document, unit, limit in time_limits(kb, all_documents=all_documents, scope=scope)
    ]


def write_time_limits_csv(rows: Sequence[dict[str, str]], handle: TextIO) -> None:
    write_csv(handle, TIME_LIMIT_COLUMNS, rows)


PURPOSE_LABELS: dict[str, str] = {
    "reply": "reply to a request",
    "transfer": "transfer after acceptance",
    "request": "submitting a request",
    "travel-document": "travel document",
    "readmission-in-error": "taking back after readmission in error",
    "transit": "transit",
    "notification": "advance notice",
    "entry-into-force": "entry into force",
    "termination": "duration and termination",
    "data": "personal data",
    "costs": "reimbursing costs",
    "validity": "validity of documents",
    "other": "other periods",
}

# Days per unit, to compare periods written in different units. A working day counts as 7/5
# calendar days (a week of five working days); a month as 30 days, a year as 365.
_DAYS_PER_UNIT = {
    "hours": 1 / 24,
    "days": 1.0,
    "calendar days": 1.0,
    "working days": 7 / 5,
    "weeks": 7.0,
    "months": 30.0,
    "years": 365.0,
}


def period_text(number: int, unit: str) -> str:
    """ "21 calendar days", "1 month" (the unit in the singular for one)."""
    return f"{number} {unit[:-1] if number == 1 and unit.endswith('s') else unit}"


def approximate_days(number: int, unit: str) -> float:
    """A period in (approximate) calendar days, for ordering only."""
    return number * _DAYS_PER_UNIT[unit]


@dataclass(frozen=True)
class LimitRef:
    """One time limit as the extremes line cites it."""

    number: int
    unit: str
    doc_id: str
    eid: str

    def period(self) -> str:
        return period_text(self.number, self.unit)

    def citation(self) -> str:
        return f"{self.period()} ({self.doc_id}, {cite_eid_short(self.eid)})"


@dataclass(frozen=True)
class PurposeExtremes:
    """The shortest and longest time limit for one purpose across the agreements."""

    purpose: str
    count: int
    shortest: LimitRef
    longest: LimitRef

    @property
    def label(self) -> str:
        return PURPOSE_LABELS.get(self.purpose, self.purpose)

    def describe(self) -> str:
        """ "reply to a request: shortest 15 days (X, Art. 7), longest 30 days (Y, Art. 8)" """
        counted = f" — {self.count} limits" if self.count > 1 else ""
        if approximate_days(self.shortest.number, self.shortest.unit) == approximate_days(
            self.longest.number, self.longest.unit
        ):
            return f"{self.label}: always {self.shortest.citation()}{counted}"
        return (
            f"{self.label}: shortest {self.shortest.citation()}, "
            f"longest {self.longest.citation()}{counted}"
        )


def time_limit_extremes(rows: Sequence[Mapping[str, str]]) -> list[PurposeExtremes]:
    """Per purpose (in `PURPOSES` order), the shortest and longest limit among `rows` (rows of
    `time_limit_table`). Periods are compared in approximate days; on a tie the first row in
    reading order is cited."""
    by_purpose: dict[str, list[LimitRef]] = defaultdict(list)
    for row in rows:
        if is_guidance_kind(row.get("kind", "")):
            continue  # the extremes are across agreements; guidance is shown beside them
        by_purpose[row["purpose"]].append(
            LimitRef(int(row["number"]), row["unit"], row["doc_id"], row["eid"])
        )
    order = {purpose: index for index, purpose in enumerate(PURPOSES)}
    extremes = []
    for purpose in sorted(by_purpose, key=lambda p: (order.get(p, len(order)), p)):
        refs = by_purpose[purpose]

        def days(ref: LimitRef) -> float:
            return approximate_days(ref.number, ref.unit)

        extremes.append(
            PurposeExtremes(
                purpose=purpose,
                count=len(refs),
                shortest=min(refs, key=days),
                longest=max(refs, key=days),
            )
        )
    return extremes
