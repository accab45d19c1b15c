"""What the drafting workbench (the Streamlit app) does, without Streamlit.

The app's pages call these functions; they call the `KnowledgeBase` and the `DraftingService`.
Everything here is testable without a browser, and nothing is built at import time.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.lexical import word_stem as word_stem  # the UI highlights by it
from index.relevance import floor_for
from index.types import DocumentRecord, Hit, SearchFilters, UnitRecord
from ingest.taxonomy import OTHER, SLOTS
from readmit.config import default_corpus_dir, default_drafts_dir, default_index_dir
from readmit.drafting import DraftingService, DraftStore
from readmit.drafting.export_text import ExportOptions, SourceWording
from readmit.drafting.model import Draft, DraftClause
from readmit.drafting.skeleton import suggest_section
from readmit.service import IngestReport, KnowledgeBase, ProgressCallback

CORPUS_ENV = "READMIT_CORPUS"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_SUFFIXES = (".pdf", ".txt", ".md")
DEFAULT_SECTION = "own-nationals"
DEFAULT_DRAFT_TITLE = "Model readmission agreement"

# Names the ingest layer skips inside a folder (attribution files), so an upload under such a
# name would be saved but never indexed.
_RESERVED_NAMES = frozenset({"readme.md", "sources.md", "license", "license.md", "license.txt"})
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
_PROTOCOL_PREFIX = re.compile(r"^protocol(?:_(\d+))?__")


def default_corpus_folder() -> Path:
    """`READMIT_CORPUS`, else the shipped `corpus/` folder."""
    configured = os.environ.get(CORPUS_ENV)
    return Path(configured) if configured else default_corpus_dir()


@dataclass(frozen=True)
class Workbench:
    """The services one app process shares between its sessions."""

    kb: KnowledgeBase
    drafting: DraftingService
    corpus_dir: Path


def open_workbench(
    *,
    index_dir: Path | None = None,
    drafts_dir: Path | None = None,
    corpus_dir: Path | None = None,
) -> Workbench:
    """Services over the configured folders (the model is the one the index was built with)."""
    return Workbench(
        kb=KnowledgeBase(index_dir or default_index_dir()),
        drafting=DraftingService(DraftStore(drafts_dir or default_drafts_dir())),
        corpus_dir=corpus_dir or default_corpus_folder(),
    )


def warm_up(wb: Workbench) -> None:
    """Load the model and build the lexical index now, so the first search is not the slow one."""
    if wb.kb.status().chunks:
        wb.kb.search("readmission", k=1)


# ---- search filters -----------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """The values the search filters can take, from the indexed documents."""

    documents: tuple[tuple[str, str], ...]  # (doc_id, label) sorted by label
    parties: tuple[str, ...]
    instrument_types: tuple[str, ...]
    languages: tuple[str, ...]
    parts: tuple[str, ...]
    year_min: int | None
    year_max: int | None
    slots: tuple[tuple[str, str], ...] = ()  # (clause type key, title), as `readmit slots`


PARTS = ("preamble", "agreement", "protocol", "annex", "final")


def document_label(document: DocumentRecord) -> str:
    """"Title (2015, EN)": how a document is named in lists."""
    details = ", ".join(
        part for part in (str(document.year) if document.year else "", document.language.upper())
        if part
    )
    return f"{document.title} ({details})" if details else document.title


def filter_options(documents: Sequence[DocumentRecord]) -> FilterOptions:
    years = [d.year for d in documents if d.year is not None]
    return FilterOptions(
        documents=tuple(
            sorted(((d.doc_id, document_label(d)) for d in documents), key=lambda item: item[1])
        ),
        parties=tuple(sorted({party for d in documents for party in d.parties})),
        instrument_types=tuple(sorted({d.instrument_type for d in documents if d.instrument_type})),
        languages=tuple(sorted({d.language for d in documents if d.language})),
        parts=PARTS,
        year_min=min(years) if years else None,
        year_max=max(years) if years else None,
        slots=tuple((slot.key, slot.title) for slot in SLOTS if slot.key != OTHER),
    )


def build_filters(
    *,
    options: FilterOptions,
    doc_ids: Sequence[str] = (),
    parties: Sequence[str] = (),
    instrument_types: Sequence[str] = (),
    languages: Sequence[str] = (),
    parts: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    slots: Sequence[str] = (),
) -> SearchFilters:
    """SearchFilters from the widgets; a year range equal to the full span is no filter."""
    year_from = year_to = None
    if years is not None and options.year_min is not None and options.year_max is not None:
        if years[0] > options.year_min:
            year_from = years[0]
        if years[1] < options.year_max:
            year_to = years[1]
    return SearchFilters(
        doc_ids=tuple(doc_ids),
        languages=tuple(languages),
        parts=tuple(parts),
        instrument_types=tuple(instrument_types),
        parties=tuple(parties),
        year_from=year_from,
        year_to=year_to,
        slots=tuple(slots),
    )


@dataclass(frozen=True)
class SearchResults:
    """The hits of one search and whether the best of them is a good match at all."""

    hits: tuple[Hit, ...]
    good_match: bool


def search_articles(
    kb: KnowledgeBase, query: str, *, k: int, filters: SearchFilters | None = None
) -> SearchResults:
    """Search with the relevance floor (`index.relevance`): nonsense and questions about other
    subjects come back with `good_match=False` (the app says "no good match")."""
    outcome = kb.search_with_evidence(query, k=k, filters=filters)
    floor = floor_for(kb.embedder.name)
    return SearchResults(hits=tuple(outcome.hits), good_match=floor.is_good_match(outcome))


# ---- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleInContext:
    """An article with its agreement, its neighbours and its other language versions."""

    document: DocumentRecord
    unit: UnitRecord
    previous: UnitRecord | None
    following: UnitRecord | None
    counterparts: tuple[tuple[DocumentRecord, UnitRecord], ...]


def article_in_context(kb: KnowledgeBase, doc_id: str, eid: str) -> ArticleInContext | None:
    document = kb.document(doc_id)
    unit = kb.article(doc_id, eid)
    if document is None or unit is None:
        return None
    previous, following = kb.neighbours(doc_id, eid)
    return ArticleInContext(
        document=document,
        unit=unit,
        previous=previous,
        following=following,
        counterparts=tuple(kb.counterparts(doc_id, eid)),
    )


def unit_citation(unit: UnitRecord) -> str:
    """"Protocol, Article 5 — Transfer" (as the chunks cite it)."""
    match = _PROTOCOL_PREFIX.match(unit.eid)
    prefix = ""
    if match:
        prefix = f"Protocol {match.group(1)}, " if match.group(1) else "Protocol, "
    label = "Final clauses" if unit.kind == "final" else unit.label
    if unit.heading and unit.heading != label:
        return f"{prefix}{label} — {unit.heading}"
    return f"{prefix}{label}"


def hit_from_unit(document: DocumentRecord, unit: UnitRecord) -> Hit:
    """A whole article as a Hit (what the drafting library takes as a source)."""
    return Hit(
        rank=0,
        score=0.0,
        chunk_id=0,
        doc_id=document.doc_id,
        title=document.title,
        part=unit.part,
        article=unit.number if unit.kind == "article" else None,
        heading=unit.heading,
        eid=unit.eid,
        page_start=unit.page_start,
        page_end=unit.page_end,
        language=document.language,
        text=unit.text,
    )


# ---- drafting -----------------------------------------------------------------------------


def suggested_section(*, heading: str | None, part: str | None) -> str:
    """The skeleton section a source article most likely belongs to (the drafter may change it)."""
    return suggest_section(heading=heading, part=part) or DEFAULT_SECTION


def ensure_draft(drafting: DraftingService, draft_id: str | None) -> Draft:
    """The current draft, or a new one when there is none (the first "Add to draft")."""
    if draft_id and drafting.store.exists(draft_id):
        return drafting.get(draft_id)
    return drafting.create(DEFAULT_DRAFT_TITLE)


def add_article_to_draft(
    wb: Workbench, *, draft_id: str | None, hit: Hit, section: str
) -> tuple[Draft, DraftClause]:
    """Add the whole source article (not only the matching passage) with its provenance."""
    draft = ensure_draft(wb.drafting, draft_id)
    unit = wb.kb.article(hit.doc_id, hit.eid)
    document = wb.kb.document(hit.doc_id)
    source = dataclasses.replace(hit, text=unit.text) if unit is not None else hit
    return wb.drafting.add_hit(
        draft.draft_id,
        section=section,
        hit=source,
        official_reference=document.official_reference if document else None,
        source_url=document.source_url if document else None,
    )


def source_wordings(kb: KnowledgeBase, draft: Draft, *, language: str) -> dict[str, SourceWording]:
    """clause id → the clause's source article in the `language` version of its agreement
    (for a bilingual export); clauses without such a version are left out."""
    found: dict[str, SourceWording] = {}
    for clause in draft.clauses:
        source = clause.provenance
        if source is None:
            continue
        if source.language == language:
            unit = kb.article(source.doc_id, source.eid)
            if unit is not None:
                found[clause.clause_id] = SourceWording(
                    language, unit_citation(unit), unit.heading or "", unit.text
                )
            continue
        for document, unit in kb.counterparts(source.doc_id, source.eid):
            if document.language == language:
                found[clause.clause_id] = SourceWording(
                    language, unit_citation(unit), unit.heading or "", unit.text
                )
                break
    return found


def export_options(
    kb: KnowledgeBase,
    draft: Draft,
    *,
    placeholders: bool = False,
    author: str = "",
    other_language: str = "",
) -> ExportOptions:
    """Export options for `draft`; with `other_language`, a bilingual export."""
    wordings = source_wordings(kb, draft, language=other_language) if other_language else {}
    return ExportOptions(
        placeholders=placeholders,
        author=author,
        other_language=wordings,
        other_language_code=other_language,
    )


class SourceMissingError(LookupError):
    """A precedent's source article is no longer in the index."""

    def __init__(self, doc_id: str, eid: str) -> None:
        super().__init__(f"{doc_id} {eid}: the article is not in the index (re-indexed?)")
        self.doc_id = doc_id
        self.eid = eid


def add_unit_to_draft(
    wb: Workbench, *, draft_id: str | None, doc_id: str, eid: str, section: str
) -> tuple[Draft, DraftClause]:
    """Add an indexed article (a precedent of the gap check, an article of the slot view) with
    its provenance, exactly as "Add to draft" on a search result does."""
    document = wb.kb.document(doc_id)
    unit = wb.kb.article(doc_id, eid)
    if document is None or unit is None:
        raise SourceMissingError(doc_id, eid)
    return add_article_to_draft(
        wb, draft_id=draft_id, hit=hit_from_unit(document, unit), section=section
    )


# ---- maintenance --------------------------------------------------------------------------


class UploadRejectedError(ValueError):
    """An uploaded file the app will not save, with the file name and the reason."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def sanitise_upload_name(name: str) -> str:
    """The file name to save an upload under, or UploadRejectedError.

    Directories are stripped (both separators); only letters, digits, ".", "_" and "-"
    remain (other characters become "_"); hidden names, unsupported types and attribution
    file names are refused.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base in {".", ".."}:
        raise UploadRejectedError(name, "empty file name")
    if base.startswith("."):
        raise UploadRejectedError(name, "hidden file names are not accepted")
    cleaned = "".join(ch if _SAFE_NAME.fullmatch(ch) else "_" for ch in base)
    cleaned = re.sub(r"_+", "_", cleaned)
    suffix = Path(cleaned).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRejectedError(
            name, f"unsupported type {suffix or '(none)'}; expected {', '.join(UPLOAD_SUFFIXES)}"
        )
    if not Path(cleaned).stem.strip("._-"):
        raise UploadRejectedError(name, "the file name has no usable characters")
    if cleaned.lower() in _RESERVED_NAMES:
        raise UploadRejectedError(name, "this name is reserved for attribution files")
    return cleaned


def save_upload(
    corpus_dir: Path, name: str, data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> Path:
    """Write an uploaded document into the corpus folder (replacing a file of the same name)."""
    safe = sanitise_upload_name(name)
    if len(data) > max_bytes:
        raise UploadRejectedError(
            name, f"{len(data) / 1_048_576:.1f} MB is over the {max_bytes // 1_048_576} MB limit"
        )
    if not data:
        raise UploadRejectedError(name, "the file is empty")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    target = corpus_dir / safe
    partial = corpus_dir / f".{safe}.part"
    partial.write_bytes(data)
    if target.exists():
        # Kept (hidden, so never ingested) until the new version has indexed: a bad
        # replacement must not cost the good document it replaced.
        os.replace(target, _previous_version(target))
    os.replace(partial, target)
    return target


def _previous_version(path: Path) -> Path:
    return path.with_name(f".{path.name}.previous")


def index_uploads(
    wb: Workbench, saved: Sequence[Path], *, on_file: ProgressCallback | None = None
) -> IngestReport:
    """Index freshly saved uploads, and take every one that failed out of the corpus again.

    A failed upload is reported (in the returned report and in the index's failure list),
    moved to `rejected-uploads/` beside the index, and the file it replaced, if any, is put
    back: nothing is half-indexed, and a bad file does not fail every later re-index. If the
    ingest cannot run at all (another ingest holds the index), every upload is rolled back and
    the error propagates.
    """
    try:
        report = wb.kb.ingest(list(saved), on_file=on_file)
    except Exception:
        for path in saved:
            _roll_back_upload(path, wb.kb.index_dir.parent / "rejected-uploads")
        raise
    failed = {Path(path).resolve() for path, _ in report.failed}
    for path in saved:
        if path.resolve() in failed:
            _roll_back_upload(path, wb.kb.index_dir.parent / "rejected-uploads")
        else:
            _previous_version(path).unlink(missing_ok=True)
    return report


def _roll_back_upload(path: Path, rejected_dir: Path) -> None:
    rejected_dir.mkdir(parents=True, exist_ok=True)
    if path.exists():
        os.replace(path, rejected_dir / path.name)
    previous = _previous_version(path)
    if previous.exists():
        os.replace(previous, path)


def ingest(
    kb: KnowledgeBase, paths: Sequence[Path], *, on_file: ProgressCallback | None = None
) -> IngestReport:
    return kb.ingest(list(paths), on_file=on_file)
