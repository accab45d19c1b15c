"""The application facade: the one door through which the CLI (`readmit.cli`) and the app
(`app.py`, `readmit.ui`) reach the index, the drafts, the users and the audit log.

`open_readmit(settings, principal)` sets everything up and returns a `Readmit`; its public
methods are every use case the CLI and the app offer, each declaring what it needs
(`readmit.facade.door`). The names below are what the CLI and the pages may use besides it:
data types and pure helpers (`lint-imports` keeps them from importing the layers below).
"""

from index.errors import IndexLayerError, MissingExtraError, is_database_unreachable
from index.retrieval.lexical import word_stem
from index.types import DOCUMENT_KINDS, DocumentRecord, Hit, SearchFilters, UnitRecord
from ingest.citations import cite_eid_short, cite_unit
from ingest.taxonomy import SLOTS, UnknownSlotError, get_slot
from ingest.time_limits import PURPOSES
from ingest.types import GUIDANCE_KINDS
from readmit.access import LOCAL_MAINTAINER, AccessDeniedError, Action, AuditEntry, Principal
from readmit.access.gate import AccessGate, SignInResult
from readmit.access.signin import (
    SignInMode,
    SignInRequiredError,
    check_bind_address,
    client_address,
    oidc_extra_missing,
    sign_in_mode,
)
from readmit.access.users import AccountStore, UserAccount, UserStore, UserStoreError
from readmit.clauses.accepted_documents import write_accepted_documents_csv
from readmit.clauses.gaps import Gap, Precedent, section_for_slot
from readmit.clauses.matrix import PrecedentMatrix, SlotArticle, SlotGroup, write_matrix_csv
from readmit.clauses.scope import ClauseScope, default_instrument_types
from readmit.clauses.time_limit_filter import PeriodError, parse_period
from readmit.clauses.time_limits import (
    PURPOSE_LABELS,
    period_text,
    time_limit_extremes,
    write_time_limits_csv,
)
from readmit.drafting.checks import DraftWarning, draft_warnings
from readmit.drafting.diff import DiffSegment, similarity, word_diff
from readmit.drafting.export_docx import replace_atomically
from readmit.drafting.export_text import ExportOptions
from readmit.drafting.model import (
    Draft,
    DraftClause,
    DraftError,
    article_numbering,
    ordered_clauses,
)
from readmit.drafting.skeleton import SECTIONS
from readmit.drafting.store import DraftStoreError, StaleDraftError
from readmit.evaluation.search import EvalSummary, QuerySetError
from readmit.facade.chart_data import (
    CELL_STATES,
    clause_type,
    clause_types,
    matrix_heat_rows,
    time_limit_points,
)
from readmit.facade.clause_views import DEFAULT_CLAUSE_TYPE
from readmit.facade.core import Services, open_services
from readmit.facade.door import DocumentNotFoundError, Need, declarations, door, undeclared
from readmit.facade.maintenance import DraftCopyReport, NoIndexError
from readmit.facade.readmit_app import Readmit, open_readmit
from readmit.facade.results import (
    DEFAULT_DRAFT_TITLE,
    EXPORT_LANGUAGES,
    GUIDANCE_RESULTS,
    PARTS,
    ArticleInContext,
    FilterOptions,
    GroupedResults,
    SearchResults,
    SourceMissingError,
    build_filters,
    copy_citation,
    document_label,
    filter_options,
    hit_from_unit,
    language_label,
    language_names,
    unit_citation,
)
from readmit.guidance import GuidanceSection, TocEntry, section_from_hit
from readmit.inert_text import inert_text
from readmit.ingest_progress import IngestProgress, ProgressWriter
from readmit.review import (
    PROPOSAL_SUFFIXES,
    Review,
    ReviewError,
    ReviewTarget,
    memo_bytes,
    redline_bytes,
    review_json,
    review_markdown,
    summary_rows,
)
from readmit.review.memo_docx import write_memo
from readmit.review.model import NearestPrecedent
from readmit.review.redline import write_redline
from readmit.review.report import NO_PRECEDENT, against_name
from readmit.service import INGEST_BATCH_CHUNKS, IngestReport, ProgressCallback, RulesFileError
from readmit.uploads import (
    MAX_UPLOAD_BYTES,
    UPLOAD_SUFFIXES,
    UploadedFile,
    UploadOutcome,
    UploadRejectedError,
    save_upload,
)

TIME_LIMIT_PURPOSES = PURPOSES

__all__ = [
    "DraftWarning",
    "draft_warnings",
    "section_from_hit",
    "NO_PRECEDENT",
    "PROPOSAL_SUFFIXES",
    "NearestPrecedent",
    "Review",
    "ReviewError",
    "ReviewTarget",
    "against_name",
    "memo_bytes",
    "redline_bytes",
    "review_json",
    "review_markdown",
    "summary_rows",
    "write_memo",
    "write_redline",
    "CELL_STATES",
    "DEFAULT_CLAUSE_TYPE",
    "DEFAULT_DRAFT_TITLE",
    "EXPORT_LANGUAGES",
    "DOCUMENT_KINDS",
    "GUIDANCE_KINDS",
    "GUIDANCE_RESULTS",
    "INGEST_BATCH_CHUNKS",
    "LOCAL_MAINTAINER",
    "MAX_UPLOAD_BYTES",
    "PARTS",
    "PURPOSES",
    "PURPOSE_LABELS",
    "SECTIONS",
    "SLOTS",
    "TIME_LIMIT_PURPOSES",
    "UPLOAD_SUFFIXES",
    "AccessDeniedError",
    "Action",
    "ArticleInContext",
    "AuditEntry",
    "ClauseScope",
    "DiffSegment",
    "DocumentNotFoundError",
    "DocumentRecord",
    "Draft",
    "DraftClause",
    "DraftCopyReport",
    "DraftError",
    "DraftStoreError",
    "StaleDraftError",
    "EvalSummary",
    "ExportOptions",
    "FilterOptions",
    "Gap",
    "GroupedResults",
    "GuidanceSection",
    "Hit",
    "IndexLayerError",
    "IngestProgress",
    "IngestReport",
    "Need",
    "NoIndexError",
    "PeriodError",
    "Precedent",
    "PrecedentMatrix",
    "Principal",
    "ProgressCallback",
    "ProgressWriter",
    "QuerySetError",
    "Readmit",
    "RulesFileError",
    "SearchFilters",
    "SearchResults",
    "Services",
    "AccessGate",
    "AccountStore",
    "MissingExtraError",
    "SignInMode",
    "SignInResult",
    "SignInRequiredError",
    "SlotArticle",
    "SlotGroup",
    "SourceMissingError",
    "TocEntry",
    "UnitRecord",
    "UnknownSlotError",
    "UploadOutcome",
    "UploadRejectedError",
    "UploadedFile",
    "UserAccount",
    "UserStore",
    "UserStoreError",
    "article_numbering",
    "build_filters",
    "check_bind_address",
    "client_address",
    "cite_eid_short",
    "cite_unit",
    "clause_type",
    "clause_types",
    "copy_citation",
    "declarations",
    "default_instrument_types",
    "document_label",
    "door",
    "filter_options",
    "get_slot",
    "hit_from_unit",
    "language_label",
    "language_names",
    "matrix_heat_rows",
    "oidc_extra_missing",
    "open_readmit",
    "open_services",
    "ordered_clauses",
    "parse_period",
    "period_text",
    "save_upload",
    "section_for_slot",
    "sign_in_mode",
    "similarity",
    "time_limit_extremes",
    "time_limit_points",
    "undeclared",
    "unit_citation",
    "word_diff",
    "inert_text",
    "word_stem",
    "is_database_unreachable",
    "write_accepted_documents_csv",
    "replace_atomically",
    "write_matrix_csv",
    "write_time_limits_csv",
]
