"""The clause views' figures for charts: pure functions of what the facade returns."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.taxonomy import OTHER, SLOTS, Slot, get_slot
from readmit.clauses.matrix import PrecedentMatrix, short_document_name
from readmit.clauses.time_limits import PURPOSE_LABELS, approximate_days, period_text


def clause_types() -> list[Slot]:
    """The clause types ("slots") a clause view can show, in taxonomy order."""
    return [slot for slot in SLOTS if slot.key != OTHER]


def clause_type(key: str) -> Slot:
    return get_slot(key)


CELL_STATES = ("present", "uncertain", "absent")


def matrix_heat_rows(matrix: PrecedentMatrix) -> list[dict[str, object]]:
    """The matrix as one row per (agreement, clause type) for the heat map: present /
    uncertain / absent and the articles (the cells of the CSV)."""
    rows: list[dict[str, object]] = []
    for document in matrix.documents:
        for slot in matrix.slots:
            cell = matrix.cell(document.doc_id, slot)
            if not cell.eids:
                state = "absent"
            elif all(cell.uncertain):
                state = "uncertain"
            else:
                state = "present"
            rows.append(
                {
                    "document": document.doc_id,
                    "name": short_document_name(document),
                    "agreement": document.title,
                    "year": document.year if document.year is not None else 0,
                    "language": document.language.upper(),
                    "clause type": get_slot(slot).title,
                    "state": state,
                    "articles": cell.render() or "—",
                }
            )
    return rows


def time_limit_points(rows: Sequence[dict[str, str]]) -> list[dict[str, object]]:
    """The time-limit rows (as in the CSV) with their length in days and the extremes marked:
    the shortest and the longest of each purpose."""
    points: list[dict[str, object]] = []
    for row in rows:
        number = int(row["number"])
        points.append(
            {
                **row,
                "days": round(approximate_days(number, row["unit"]), 2),
                "period": period_text(number, row["unit"]),
                "purpose label": PURPOSE_LABELS.get(row["purpose"], row["purpose"]),
                "year": int(row["year"]) if row["year"] else None,
                "extreme": "",
            }
        )
    for purpose in {str(p["purpose"]) for p in points}:
        same = [p for p in points if p["purpose"] == purpose]
        shortest = min(same, key=lambda p: float(str(p["days"])))
        longest = max(same, key=lambda p: float(str(p["days"])))
        shortest["extreme"] = "shortest"
        longest["extreme"] = "longest" if longest is not shortest else "only"
    return points
