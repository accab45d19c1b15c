"""Review a counterpart's proposal against a model draft or an indexed agreement.

`review_proposal` reads the proposal (any accepted file type), aligns its articles with the
target's (`align`), reports every number that differs placed in the precedent range
(`numbers`, `precedents`), the clause types the proposal lacks and the articles it adds with
their nearest precedents. `report` renders the result as JSON and Markdown, `memo_docx` as a
Word memo, `redline` as a Word file with tracked changes (python-docx only in those two).
"""

from readmit.review.model import (
    AlignedArticle,
    ExtraArticle,
    MissingClause,
    NumberDeviation,
    PrecedentRange,
    Review,
    ReviewError,
    ReviewUnit,
    TimeLimitComparison,
)
from readmit.review.report import review_json, review_markdown, summary_rows
from readmit.review.service import (
    NO_STRUCTURE_NOTE,
    ReviewTarget,
    read_proposal,
    review_proposal,
    target_units,
)
from readmit.review.uploaded import (
    PROPOSAL_SUFFIXES,
    draft_redline_bytes,
    memo_bytes,
    redline_bytes,
    review_upload,
)

__all__ = [
    "NO_STRUCTURE_NOTE",
    "PROPOSAL_SUFFIXES",
    "AlignedArticle",
    "ExtraArticle",
    "MissingClause",
    "NumberDeviation",
    "PrecedentRange",
    "Review",
    "ReviewError",
    "ReviewTarget",
    "ReviewUnit",
    "TimeLimitComparison",
    "draft_redline_bytes",
    "memo_bytes",
    "read_proposal",
    "redline_bytes",
    "review_json",
    "review_markdown",
    "review_proposal",
    "review_upload",
    "summary_rows",
    "target_units",
]
