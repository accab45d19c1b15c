"""Drafting library: assemble a model readmission agreement from clauses found by search.

No Streamlit here; python-docx only in `export_docx` (import it from there explicitly).
"""

from readmit.drafting.diff import DiffSegment, render_inline, similarity, word_diff
from readmit.drafting.export_markdown import export_markdown
from readmit.drafting.model import (
    ClauseNotFoundError,
    Draft,
    DraftClause,
    DraftError,
    Provenance,
    add_clause,
    article_numbering,
    duplicate,
    move_clause,
    move_to_section,
    new_draft,
    ordered_clauses,
    remove_clause,
    rename,
    revert_clause,
    set_heading,
    set_note,
    set_party_names,
    update_clause_text,
)
from readmit.drafting.placeholders import neutralise
from readmit.drafting.service import DraftingService
from readmit.drafting.skeleton import SECTIONS, Section, UnknownSectionError, get_section
from readmit.drafting.store import (
    DraftListing,
    DraftNotFoundError,
    DraftStore,
    DraftStoreError,
    DraftSummary,
    InvalidDraftIdError,
)

__all__ = [
    "SECTIONS",
    "ClauseNotFoundError",
    "DiffSegment",
    "Draft",
    "DraftClause",
    "DraftError",
    "DraftListing",
    "DraftNotFoundError",
    "DraftStore",
    "DraftStoreError",
    "DraftSummary",
    "DraftingService",
    "InvalidDraftIdError",
    "Provenance",
    "Section",
    "UnknownSectionError",
    "add_clause",
    "article_numbering",
    "duplicate",
    "export_markdown",
    "get_section",
    "move_clause",
    "move_to_section",
    "neutralise",
    "new_draft",
    "ordered_clauses",
    "remove_clause",
    "rename",
    "render_inline",
    "revert_clause",
    "set_heading",
    "set_note",
    "set_party_names",
    "similarity",
    "update_clause_text",
    "word_diff",
]
