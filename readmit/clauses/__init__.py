"""Clause intelligence over a `KnowledgeBase`: the slots of every article, in four views.

- `scope`: which documents the views cover (`ClauseScope`) and what counts as uncertain;
- `matrix`: the precedent matrix (agreements × slots) and one slot across the agreements;
- `time_limits`: the time limits across agreements, shortest and longest per purpose;
- `gaps`: the standard slots a draft lacks, with the commonest precedent wordings;
- `accepted_documents`: the lists of documents accepted as proof or prima facie evidence.

Slot assignments are computed by `index.slots` (stored in the index, refreshed after every
ingest by the service); measuring them against hand labels is `readmit.evaluation`. The names
below are the package's public API, re-exported for callers that want one import.
"""

from readmit.clauses.accepted_documents import (
    ACCEPTED_DOCUMENT_COLUMNS,
    DOCUMENT_SLOTS,
    AcceptedDocumentList,
    accepted_documents,
    write_accepted_documents_csv,
)
from readmit.clauses.gaps import (
    Gap,
    Precedent,
    PrecedentWordings,
    common_wordings,
    draft_slots,
    gap_check,
    section_for_slot,
)
from readmit.clauses.matrix import (
    MatrixCell,
    PrecedentMatrix,
    SlotArticle,
    SlotGroup,
    precedent_matrix,
    slot_articles,
    write_matrix_csv,
)
from readmit.clauses.scope import (
    PRECEDENT_TYPES,
    ClauseScope,
    default_instrument_types,
    is_flagged_uncertain,
    is_precedent,
)
from readmit.clauses.time_limits import (
    PURPOSE_LABELS,
    TIME_LIMIT_COLUMNS,
    PurposeExtremes,
    approximate_days,
    period_text,
    time_limit_extremes,
    time_limit_table,
    time_limits,
    write_time_limits_csv,
)

__all__ = [
    "ACCEPTED_DOCUMENT_COLUMNS",
    "DOCUMENT_SLOTS",
    "PRECEDENT_TYPES",
    "PURPOSE_LABELS",
    "TIME_LIMIT_COLUMNS",
    "AcceptedDocumentList",
    "ClauseScope",
    "Gap",
    "MatrixCell",
    "Precedent",
    "PrecedentMatrix",
    "PurposeExtremes",
    "SlotArticle",
    "SlotGroup",
    "accepted_documents",
    "approximate_days",
    "common_wordings",
    "default_instrument_types",
    "draft_slots",
    "PrecedentWordings",
    "gap_check",
    "is_flagged_uncertain",
    "is_precedent",
    "period_text",
    "precedent_matrix",
    "section_for_slot",
    "slot_articles",
    "time_limit_extremes",
    "time_limit_table",
    "time_limits",
    "write_accepted_documents_csv",
    "write_matrix_csv",
    "write_time_limits_csv",
]
