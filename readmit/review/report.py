"""A review as JSON (the keys scripts rely on) and as Markdown (for the terminal and e-mail)."""

from __future__ import annotations

from typing import Any

from readmit.drafting.diff import render_inline
from readmit.drafting.export_markdown import escape_markdown
from readmit.review.model import (
    AlignedArticle,
    ExtraArticle,
    NearestPrecedent,
    Review,
    ReviewUnit,
    TimeLimitComparison,
)

NO_PRECEDENT = "no precedent found"


def against_name(review: Review) -> str:
    return "the model" if review.against_kind == "draft" else "the agreement"


def _unit(unit: ReviewUnit) -> dict[str, Any]:
    return {
        "eid": unit.eid,
        "label": unit.label,
        "heading": unit.heading,
        "clause_types": list(unit.clause_types),
    }


def _limit(limit: TimeLimitComparison) -> dict[str, Any]:
    precedents = None
    if limit.precedents is not None:
        placed = limit.precedents
        precedents = {
            "count": placed.count,
            "longer": placed.longer,
            "same": placed.same,
            "shorter": placed.shorter,
            "shortest": placed.shortest,
            "longest": placed.longest,
            "summary": placed.summary(limit.purpose),
        }
    return {
        "purpose": limit.purpose,
        "proposal": limit.proposal,
        "against": limit.against,
        "differs": limit.differs,
        "precedents": precedents,
        "sentence": limit.sentence,
    }


def _nearest(precedent: NearestPrecedent) -> dict[str, Any]:
    return {
        "doc_id": precedent.doc_id,
        "eid": precedent.eid,
        "title": precedent.title,
        "citation": precedent.citation,
        "language": precedent.language,
        "score": precedent.score,
    }


def _article(article: AlignedArticle) -> dict[str, Any]:
    return {
        "proposal_eid": article.proposal.eid,
        "proposal_label": article.proposal.label,
        "heading": article.proposal.heading,
        "against_eid": article.against[0].eid if article.against else None,
        "against_eids": [unit.eid for unit in article.against],
        "clause_types": list(article.proposal.clause_types),
        "similarity": article.similarity,
        "changed": article.changed if article.against else None,
        "diff": [[segment.kind, segment.text] for segment in article.diff],
        "time_limits": [_limit(limit) for limit in article.time_limits],
        "numbers": [
            {
                "kind": number.kind,
                "proposal": list(number.proposal),
                "against": list(number.against),
            }
            for number in article.numbers
        ],
    }


def review_json(review: Review) -> dict[str, Any]:
    """The review as one JSON object: `articles`, `missing`, `extra` and context."""
    return {
        "proposal": review.proposal_name,
        "proposal_language": review.proposal_language,
        "against": {
            "kind": review.against_kind,
            "id": review.against_id,
            "title": review.against_title,
        },
        "articles": [_article(article) for article in review.articles],
        "missing": [
            {
                "clause_type": missing.clause_type,
                "title": missing.title,
                "against_eid": missing.against.eid,
                "against_label": missing.against.label,
            }
            for missing in review.missing
        ],
        "extra": [_extra(extra) for extra in review.extra],
        "unmatched_against": [_unit(unit) for unit in review.unmatched_against],
        "notes": list(review.notes),
        "precedent_documents": review.precedent_documents,
    }


def _extra(extra: ExtraArticle) -> dict[str, Any]:
    return {
        "proposal_eid": extra.proposal.eid,
        "proposal_label": extra.proposal.label,
        "heading": extra.proposal.heading,
        "clause_types": list(extra.proposal.clause_types),
        "nearest": [_nearest(precedent) for precedent in extra.nearest],
        "no_precedent": not extra.nearest,
    }


# --------------------------------------------------------------------------- summary rows


def summary_rows(review: Review) -> list[dict[str, str]]:
    """One row per finding (deviation, missing clause, added article): what the memo's and the
    app's summary table show."""
    rows: list[dict[str, str]] = []
    name = against_name(review)
    for article in review.articles:
        if not article.against:
            continue
        cited = ", ".join(unit.label for unit in article.against)
        for limit in article.deviations:
            rows.append(
                {
                    "finding": "period differs",
                    "proposal": article.proposal.label,
                    "against": cited,
                    "what": limit.short(name),
                }
            )
        for number in article.numbers:
            rows.append(
                {
                    "finding": f"{number.kind} differs",
                    "proposal": article.proposal.label,
                    "against": cited,
                    "what": f"the proposal says {', '.join(number.proposal) or 'none'}, "
                    f"{name} says {', '.join(number.against) or 'none'}",
                }
            )
        if article.changed and not article.deviations and not article.numbers:
            rows.append(
                {
                    "finding": "wording differs",
                    "proposal": article.proposal.label,
                    "against": cited,
                    "what": f"{round(article.similarity * 100)}% of the words in common",
                }
            )
    for missing in review.missing:
        rows.append(
            {
                "finding": "missing",
                "proposal": "—",
                "against": missing.against.label,
                "what": f"no clause on {missing.title.lower()} ({missing.clause_type})",
            }
        )
    for extra in review.extra:
        types = ", ".join(extra.proposal.clause_types) or "no known clause type"
        nearest = (
            "; ".join(f"{p.doc_id}, {p.citation}" for p in extra.nearest)
            if extra.nearest
            else NO_PRECEDENT
        )
        rows.append(
            {
                "finding": "added",
                "proposal": extra.proposal.label,
                "against": "—",
                "what": f"{types}; precedents: {nearest}",
            }
        )
    return rows


# --------------------------------------------------------------------------- Markdown


def review_markdown(review: Review) -> str:
    """The review for reading: summary table, then one section per deviation."""
    esc = escape_markdown
    lines = [
        f"# Review of {esc(review.proposal_name)}",
        "",
        f"Against {against_name(review)}: {esc(review.against_title)} "
        f"({review.against_kind} {esc(review.against_id)}). "
        f"Precedent ranges from {review.precedent_documents} agreements.",
        "",
    ]
    for note in review.notes:
        lines += [f"> {esc(note)}", ""]
    rows = summary_rows(review)
    lines += ["## Summary", ""]
    if rows:
        lines += ["| Finding | Proposal | Against | What |", "| --- | --- | --- | --- |"]
        lines += [
            "| "
            + " | ".join(
                esc(" ".join(row[key].split()))
                for key in ("finding", "proposal", "against", "what")
            )
            + " |"
            for row in rows
        ]
    else:
        lines.append("No deviations found.")
    lines.append("")
    for article in review.articles:
        if not article.against or not article.changed:
            continue
        cited = ", ".join(unit.citation for unit in article.against)
        lines += [f"## {esc(article.proposal.citation)} (against {esc(cited)})", ""]
        for limit in article.deviations:
            lines += [f"- {esc(limit.describe(against_name(review)))}", ""]
        for number in article.numbers:
            lines += [
                f"- {number.kind}: the proposal says {esc(', '.join(number.proposal) or 'none')}, "
                f"{against_name(review)} says {esc(', '.join(number.against) or 'none')}",
                "",
            ]
        lines += [esc(render_inline(article.diff)), ""]
    if review.missing:
        lines += ["## Missing", ""]
        for missing in review.missing:
            lines.append(
                f"- {esc(missing.title)} ({missing.clause_type}): {esc(missing.against.citation)}"
            )
        lines.append("")
    if review.extra:
        lines += ["## Added by the proposal", ""]
        for extra in review.extra:
            types = ", ".join(extra.proposal.clause_types) or "no known clause type"
            lines += [f"### {esc(extra.proposal.citation)} ({esc(types)})", ""]
            if extra.nearest:
                for precedent in extra.nearest:
                    lines.append(
                        f"- {esc(precedent.title)} ({esc(precedent.doc_id)}), "
                        f"{esc(precedent.citation)}"
                    )
            else:
                lines.append(f"- {NO_PRECEDENT}")
            lines.append("")
    return "\n".join(lines)
