"""What the drafting workbench (the Streamlit app) does, without Streamlit.

The app's pages call these functions; they call the `KnowledgeBase`, the `DraftingService`,
the clause views (`readmit.clauses`) and the upload handling (`readmit.uploads`). The pages
import nothing else from the layers below (`lint-imports` checks it). Everything here is
testable without a browser, and nothing is built at import time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.errors import IndexLayerError
from index.lexical import word_stem as word_stem  # the UI highlights by it
from index.relevance import floor_for
from index.types import DOCUMENT_KINDS, DocumentRecord, Hit, SearchFilters, UnitRecord
from ingest.citations import (
    ImplementsReference,
    cite_eid_short,
    cite_unit,
    full_citation,
    split_eid,
    split_implements_reference,
)
from ingest.taxonomy import OTHER, SLOTS, Slot, get_slot
from ingest.time_limits import PURPOSES
from ingest.types import GUIDANCE_KINDS
from readmit.access import (
    LOCAL_MAINTAINER,
    AccessDeniedError,
    Action,
    AuditEntry,
    AuditLog,
    Principal,
    authorise,
)
from readmit.access.deployment import open_audit, open_gate
from readmit.access.drafts import GuardedDrafting
from readmit.access.gate import AccessGate, SignInResult
from readmit.access.signin import (
    SignInMode,
    SignInRequiredError,
    check_bind_address,
    client_address,
    sign_in_mode,
)
from readmit.access.users import UserStore
from readmit.clauses.gaps import Gap, Precedent, clause_slots, gap_check, section_for_slot
from readmit.clauses.matrix import (
    PrecedentMatrix,
    SlotArticle,
    SlotGroup,
    precedent_matrix,
    slot_articles,
    write_matrix_csv,
)
from readmit.clauses.scope import ClauseScope, default_instrument_types
from readmit.clauses.time_limits import (
    PURPOSE_LABELS,
    approximate_days,
    period_text,
    time_limit_extremes,
    time_limit_table,
    write_time_limits_csv,
)
from readmit.drafting import DraftingService
from readmit.drafting.export_text import ExportOptions, SourceWording
from readmit.drafting.model import Draft, DraftClause, GuidanceNote, Provenance
from readmit.drafting.skeleton import suggest_section
from readmit.drafting.store import open_draft_store
from readmit.guidance import (
    GuidanceSection as GuidanceSection,  # the Draft page shows them
)
from readmit.guidance import (
    TocEntry,
    guidance_by_slot,
    guidance_for_slot,
    heading_path,
    section_neighbours,
    table_of_contents,
)
from readmit.ingest_progress import IngestProgress, running_ingest
from readmit.service import INGEST_BATCH_CHUNKS, IngestReport, KnowledgeBase, ProgressCallback
from readmit.settings import INGEST_PROGRESS_FILE, Settings, load_settings
from readmit.uploads import (
    MAX_UPLOAD_BYTES,
    UPLOAD_SUFFIXES,
    UploadedFile,
    UploadOutcome,
    UploadRejectedError,
    save_upload,
)
from readmit.uploads import index_uploads as _index_uploads
from readmit.uploads import save_uploads as _save_uploads

# What the pages use from the layers below, named here so that the UI imports only this module
# (and the service and data types); checked by `lint-imports` (pyproject.toml).
__all__ = [
    "MAX_UPLOAD_BYTES",
    "PURPOSE_LABELS",
    "TIME_LIMIT_PURPOSES",
    "UPLOAD_SUFFIXES",
    "ClauseScope",
    "ExportOptions",
    "Gap",
    "IndexLayerError",
    "Precedent",
    "PrecedentMatrix",
    "SlotArticle",
    "SlotGroup",
    "UploadOutcome",
    "UploadRejectedError",
    "UploadedFile",
    "Workbench",
    "AccessDeniedError",
    "Action",
    "AuditEntry",
    "LOCAL_MAINTAINER",
    "Principal",
    "SignInMode",
    "SignInRequiredError",
    "UserStore",
    "AccessGate",
    "SignInResult",
    "open_gate",
    "check_bind_address",
    "client_address",
    "sign_in_mode",
    "cite_eid_short",
    "default_instrument_types",
    "period_text",
    "save_upload",
    "section_for_slot",
    "time_limit_extremes",
    "write_matrix_csv",
    "write_time_limits_csv",
]

DEFAULT_SECTION = "own-nationals"
DEFAULT_DRAFT_TITLE = "Model readmission agreement"
TIME_LIMIT_PURPOSES = PURPOSES


@dataclass(frozen=True)
class Workbench:
    """The services one app process shares between its sessions (`for_principal` narrows them
    to what one signed-in user may see and do)."""

    kb: KnowledgeBase
    drafting: DraftingService
    corpus_dir: Path
    rejected_uploads_dir: Path | None = None  # None: `rejected-uploads/` beside the index
    principal: Principal = LOCAL_MAINTAINER
    audit: AuditLog | None = None

    @property
    def rejected_dir(self) -> Path:
        return self.rejected_uploads_dir or self.kb.local_state_dir / "rejected-uploads"

    def authorise(self, action: Action) -> None:
        """Raise AccessDeniedError unless this workbench's principal may take `action`."""
        authorise(self.principal, action)

    def record(self, action: str, target: str, detail: str = "") -> None:
        if self.audit is not None:
            self.audit.record(self.principal, action, target, detail)


def open_workbench(
    *,
    settings: Settings | None = None,
    index_dir: Path | str | None = None,
    drafts_dir: Path | str | None = None,
    corpus_dir: Path | None = None,
) -> Workbench:
    """Services over `settings` (default: `load_settings()` with the given folders)."""
    if settings is None:
        settings = load_settings(index_dir=index_dir, drafts_dir=drafts_dir, corpus_dir=corpus_dir)
    return Workbench(
        kb=KnowledgeBase(settings.index_dir, model=settings.model),
        drafting=DraftingService(open_draft_store(settings.drafts_dir)),
        corpus_dir=settings.corpus_dir,
        rejected_uploads_dir=settings.rejected_uploads_dir,
        audit=open_audit(settings),
    )


def background_ingest(wb: Workbench) -> IngestProgress | None:
    """The progress of a `readmit ingest` running now beside this workbench's index (`make run`
    starts one in the background), else None. Its file sits beside the rejected uploads, where
    `Settings.ingest_progress_file` puts it."""
    return running_ingest(wb.rejected_dir.parent / INGEST_PROGRESS_FILE)


def for_principal(wb: Workbench, principal: Principal) -> Workbench:
    """The workbench as `principal` sees it: their documents, their drafts, their role's rights.

    Cheap (nothing is loaded): the app calls it on every run with the signed-in user.
    """
    full_kb = wb.kb.viewed_by(None)

    def may_see_source(provenance: Provenance) -> bool:
        if not principal.may_see(provenance.visibility):
            return False
        document = full_kb.document(provenance.doc_id)
        return document is None or principal.may_see(document.visibility)

    return dataclasses.replace(
        wb,
        kb=full_kb.viewed_by(principal.visible_groups),
        drafting=GuardedDrafting(
            wb.drafting.store,
            principal=principal,
            may_see_source=may_see_source,
            audit=wb.audit,
        ),
        principal=principal,
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
    kinds: tuple[str, ...] = ()  # document kinds present, in DOCUMENT_KINDS order
    slots: tuple[tuple[str, str], ...] = ()  # (clause type key, title), as `readmit slots`


PARTS = ("preamble", "agreement", "protocol", "annex", "final")


def document_label(document: DocumentRecord) -> str:
    """ "Title (2015, EN)": how a document is named in lists."""
    details = ", ".join(
        part
        for part in (str(document.year) if document.year else "", document.language.upper())
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
        kinds=tuple(k for k in DOCUMENT_KINDS if any(d.kind == k for d in documents)),
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
    kinds: Sequence[str] = (),
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
        kinds=tuple(kinds),
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


# ---- grouped search: precedents and guidance ------------------------------------------------

# How many guidance sections are shown beside the precedents.
GUIDANCE_RESULTS = 5
PRECEDENT_KINDS = tuple(kind for kind in DOCUMENT_KINDS if kind not in GUIDANCE_KINDS)


@dataclass(frozen=True)
class GroupedResults:
    """One question answered twice: the precedents (what states agreed: agreements, protocols,
    conventions) and the guidance (what the rules say: policy guides, regulations)."""

    precedents: tuple[Hit, ...]
    guidance: tuple[Hit, ...]
    # False when neither group has anything close to the question (the relevance floor).
    good_match: bool = True


def search_grouped(
    kb: KnowledgeBase,
    query: str,
    *,
    k: int = 10,
    guidance_k: int = GUIDANCE_RESULTS,
    filters: SearchFilters | None = None,
) -> GroupedResults:
    """Precedents and guidance for one question, each ranked on its own and filtered inside
    retrieval, so that neither group crowds the other out (docs: README "Search"). Both go
    through `search_articles`: the same access-checked search with the relevance floor."""
    base = filters or SearchFilters()
    wanted = set(base.kinds) if base.kinds else set(DOCUMENT_KINDS)

    def group(kinds: tuple[str, ...], count: int) -> SearchResults | None:
        chosen = tuple(kind for kind in kinds if kind in wanted)
        if not chosen or count <= 0:
            return None
        return search_articles(kb, query, k=count, filters=dataclasses.replace(base, kinds=chosen))

    precedents = group(PRECEDENT_KINDS, k)
    guidance = group(GUIDANCE_KINDS, guidance_k)
    answered = [results for results in (precedents, guidance) if results is not None]
    return GroupedResults(
        precedents=precedents.hits if precedents is not None else (),
        guidance=guidance.hits if guidance is not None else (),
        good_match=any(results.good_match for results in answered),
    )


# ---- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleInContext:
    """An article with its agreement, its neighbours and its other language versions."""

    document: DocumentRecord
    unit: UnitRecord
    previous: UnitRecord | None
    following: UnitRecord | None
    counterparts: tuple[tuple[DocumentRecord, UnitRecord], ...]
    # Documents with a section tree (guides, regulations, treaties with chapters): the
    # enclosing section, the unit's heading path and the table of contents.
    parent: UnitRecord | None = None
    path: str = ""
    toc: tuple[TocEntry, ...] = ()
    # A protocol article's opening "(Article 12 of the Agreement)", and the articles it names;
    # for an agreement article, the protocol articles that name it.
    reference: ImplementsReference | None = None
    implements: tuple[UnitRecord, ...] = ()
    implemented_by: tuple[UnitRecord, ...] = ()


def implements_reference(unit: UnitRecord) -> ImplementsReference | None:
    """The agreement article(s) a protocol article implements, from its opening reference."""
    if not split_eid(unit.eid)[0]:
        return None  # only the articles of a protocol name the agreement article they implement
    return split_implements_reference(unit.text)[0]


def clause_text(unit: UnitRecord) -> str:
    """The text a draft takes from a unit: a protocol article without its opening reference to
    the agreement (a link between the source's instruments, not wording of the clause)."""
    if implements_reference(unit) is None:
        return unit.text
    return split_implements_reference(unit.text)[1]


def article_in_context(kb: KnowledgeBase, doc_id: str, eid: str) -> ArticleInContext | None:
    document = kb.document(doc_id)
    unit = kb.article(doc_id, eid)
    if document is None or unit is None:
        return None
    units = kb.units(doc_id)
    parent: UnitRecord | None = None
    if any(u.parent for u in units):  # a section tree: neighbours and parent in the tree
        previous, following, parent = section_neighbours(units, eid)
    else:
        previous, following = kb.neighbours(doc_id, eid)
    reference = implements_reference(unit)
    implements: list[UnitRecord] = []
    implemented_by: list[UnitRecord] = []
    if reference is not None:
        implements = [u for e in reference.eids if (u := kb.article(doc_id, e)) is not None]
    elif unit.kind == "article" and not split_eid(unit.eid)[0]:
        implemented_by = [
            other
            for other in units
            if (found := implements_reference(other)) is not None and unit.eid in found.eids
        ]
    sectioned = any(u.parent for u in units)
    return ArticleInContext(
        document=document,
        unit=unit,
        previous=previous,
        following=following,
        counterparts=tuple(kb.counterparts(doc_id, eid)),
        parent=parent,
        path=heading_path(unit, {u.eid: u for u in units}) if sectioned else "",
        toc=tuple(table_of_contents(units)) if sectioned else (),
        reference=reference,
        implements=tuple(implements),
        implemented_by=tuple(implemented_by),
    )


def guidance_for_clause_type(wb: Workbench, slot: str) -> list[GuidanceSection]:
    """What the policy guides and regulations say about one clause type, cited, best first."""
    return guidance_for_slot(wb.kb, slot)


# How many guide sections are offered beside one draft article.
CLAUSE_GUIDANCE_LIMIT = 6


def clause_guidance(wb: Workbench, clause: DraftClause) -> list[GuidanceSection]:
    """The guide sections that speak to a draft article's clause types (those of its source
    article, or shown by its own wording), best first, each section once."""
    by_slot = guidance_by_slot(wb.kb)
    seen: set[tuple[str, str]] = set()
    found: list[GuidanceSection] = []
    for slot in sorted(clause_slots(wb.kb, clause)):
        for section in by_slot.get(slot, []):
            if (section.doc_id, section.eid) not in seen:
                seen.add((section.doc_id, section.eid))
                found.append(section)
    found.sort(key=lambda s: -s.confidence)
    return found[:CLAUSE_GUIDANCE_LIMIT]


# An excerpt of a guide section carried into a guidance note (exported with the draft).
GUIDANCE_EXCERPT_CHARS = 300


def attach_guidance(
    wb: Workbench, draft_id: str, clause_id: str, section: GuidanceSection
) -> Draft:
    """Attach a guide section to a draft clause as a cited guidance note."""
    excerpt = " ".join(section.text.split())
    if len(excerpt) > GUIDANCE_EXCERPT_CHARS:
        excerpt = excerpt[:GUIDANCE_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    note = GuidanceNote(
        doc_id=section.doc_id, eid=section.eid, citation=section.citation, excerpt=excerpt
    )
    return wb.drafting.add_guidance_note(draft_id, clause_id, note)


def detach_guidance(wb: Workbench, draft_id: str, clause_id: str, doc_id: str, eid: str) -> Draft:
    return wb.drafting.remove_guidance_note(draft_id, clause_id, doc_id, eid)


def unit_citation(unit: UnitRecord) -> str:
    """ "Protocol, Article 5 — Transfer" (as the chunks cite it)."""
    return cite_unit(eid=unit.eid, kind=unit.kind, label=unit.label, heading=unit.heading)


def document_units(wb: Workbench, doc_id: str) -> list[UnitRecord]:
    """The units of one document in reading order."""
    return wb.kb.units(doc_id)


def index_generation(wb: Workbench) -> int:
    """Changes whenever the index does: a key for what a page computed from it."""
    return wb.kb.generation()


def copy_citation(document: DocumentRecord | None, *, eid: str, title: str = "") -> str:
    """What "Copy citation" puts on the clipboard: "Art. 7, Agreement between … (2015),
    BWBV0006473" (`ingest.citations.full_citation`, the one citation format)."""
    if document is None:
        return full_citation(eid=eid, title=title)
    return full_citation(
        eid=eid,
        title=document.title,
        year=document.year,
        official_reference=document.official_reference,
    )


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
        kind=document.kind,
    )


# ---- drafting -----------------------------------------------------------------------------


def suggested_section(*, heading: str | None, part: str | None) -> str:
    """The skeleton section a source article most likely belongs to (the drafter may change it)."""
    return suggest_section(heading=heading, part=part) or DEFAULT_SECTION


def ensure_draft(drafting: DraftingService, draft_id: str | None) -> Draft:
    """The current draft, or a new one when there is none (the first "Add to draft")."""
    if draft_id and drafting.exists(draft_id):
        return drafting.get(draft_id)
    return drafting.create(DEFAULT_DRAFT_TITLE)


def add_article_to_draft(
    wb: Workbench, *, draft_id: str | None, hit: Hit, section: str
) -> tuple[Draft, DraftClause]:
    """Add the whole source article (not only the matching passage) with its provenance."""
    wb.authorise(Action.DRAFT)
    document = wb.kb.document(hit.doc_id)
    if document is None:  # not in the index, or not visible to this user: the same to them
        raise SourceMissingError(hit.doc_id, hit.eid)
    draft = ensure_draft(wb.drafting, draft_id)
    unit = wb.kb.article(hit.doc_id, hit.eid)
    source = dataclasses.replace(hit, text=clause_text(unit)) if unit is not None else hit
    return wb.drafting.add_hit(
        draft.draft_id,
        section=section,
        hit=source,
        official_reference=document.official_reference,
        source_url=document.source_url,
        visibility=document.visibility,
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
                    language, unit_citation(unit), unit.heading or "", clause_text(unit)
                )
            continue
        for document, unit in kb.counterparts(source.doc_id, source.eid):
            if document.language == language:
                found[clause.clause_id] = SourceWording(
                    language, unit_citation(unit), unit.heading or "", clause_text(unit)
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


def may_share(wb: Workbench, draft: Draft) -> bool:
    """May the workbench's user change who may open `draft` (its owner, or a maintainer)?"""
    return wb.principal.may(Action.DRAFT) and (
        draft.owner in (None, wb.principal.name) or wb.principal.sees_everything
    )


def share_draft(
    wb: Workbench, draft_id: str, *, users: Sequence[str], groups: Sequence[str]
) -> Draft:
    """Share a draft with these users and groups (replacing the previous sharing)."""
    return wb.drafting.share(draft_id, users=tuple(users), groups=tuple(groups))


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


# ---- clause views (readmit.clauses) -----------------------------------------------------


def clause_types() -> list[Slot]:
    """The clause types ("slots") a clause view can show, in taxonomy order."""
    return [slot for slot in SLOTS if slot.key != OTHER]


def clause_type(key: str) -> Slot:
    return get_slot(key)


def clause_matrix(wb: Workbench, scope: ClauseScope) -> PrecedentMatrix:
    return precedent_matrix(wb.kb, scope=scope)


def clause_articles(wb: Workbench, slot: str, scope: ClauseScope) -> list[SlotGroup]:
    return slot_articles(wb.kb, slot, scope=scope)


def time_limit_rows(wb: Workbench, scope: ClauseScope) -> list[dict[str, str]]:
    return time_limit_table(wb.kb, scope=scope)


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


def draft_gaps(wb: Workbench, draft: Draft) -> list[Gap]:
    return gap_check(wb.kb, draft)


# ---- maintenance --------------------------------------------------------------------------


def save_uploads(
    wb: Workbench, files: Sequence[UploadedFile], *, max_bytes: int = MAX_UPLOAD_BYTES
) -> UploadOutcome:
    """Save each acceptable upload into the corpus folder; refuse the others with a reason.
    Maintainers only."""
    wb.authorise(Action.UPLOAD)
    return _save_uploads(wb.corpus_dir, files, max_bytes=max_bytes)


def index_uploads(
    wb: Workbench, saved: Sequence[Path], *, on_file: ProgressCallback | None = None
) -> IngestReport:
    """Index freshly saved uploads; a failed one goes to the rejected-uploads folder and the
    file it replaced comes back (`readmit.uploads.index_uploads`). Maintainers only; recorded
    in the audit log."""
    wb.authorise(Action.UPLOAD)
    report = _index_uploads(wb.kb, saved, rejected_dir=wb.rejected_dir, on_file=on_file)
    for indexed in report.indexed:
        wb.record("document.upload", Path(indexed).name)
    for failed_path, reason in report.failed:
        wb.record("document.upload-failed", Path(failed_path).name, reason)
    return report


def plan_ingest(wb: Workbench, paths: Sequence[Path]) -> list[Path]:
    """The files an ingest of `paths` would read (for progress bars)."""
    files, _ = wb.kb.plan(list(paths))
    return files


def ingest(
    wb: Workbench,
    paths: Sequence[Path],
    *,
    passwords: dict[str, str] | None = None,
    on_file: ProgressCallback | None = None,
    batch_chunks: int = INGEST_BATCH_CHUNKS,
) -> IngestReport:
    """Re-index `paths` (maintainers only); recorded in the audit log with what changed."""
    wb.authorise(Action.REINDEX)
    report = wb.kb.ingest(
        list(paths), passwords=passwords, on_file=on_file, batch_chunks=batch_chunks
    )
    wb.record(
        "index.reindex",
        ", ".join(Path(p).name for p in paths),
        f"{len(report.indexed)} indexed, {len(report.removed)} removed, "
        f"{len(report.failed)} failed",
    )
    return report


def remove_document(wb: Workbench, doc_id: str) -> bool:
    """Take a document out of the index (maintainers only); recorded in the audit log."""
    wb.authorise(Action.REMOVE)
    removed = wb.kb.remove(doc_id)
    if removed:
        wb.record("document.remove", doc_id)
    return removed


def audit_entries(wb: Workbench, *, limit: int | None = None) -> list[AuditEntry]:
    """The audit log, newest first (maintainers only)."""
    wb.authorise(Action.READ_AUDIT)
    return [] if wb.audit is None else wb.audit.entries(limit=limit)


def may(wb: Workbench, action: Action) -> bool:
    """May the workbench's user take `action`? (For pages that disable what they may not do.)"""
    return wb.principal.may(action)
