"""The service the CLI and the app call: ingest a corpus, search it, report its state.

UI → service → components (as in private-gpt): `KnowledgeBase` wires the ingest layer to an
index `Collection`; it holds no UI code and builds nothing heavy until first used.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.embedders import Embedder, embedder_key, make_embedder
from index.errors import IndexFullError, IndexOpenError, ModelMismatchError
from index.lock import IndexBusyError
from index.retrieval.hybrid import HybridSearcher, SearchConfig, SearchOutcome
from index.shipped_vectors import shipped_in
from index.slots import is_likely_right, refresh_slots_after_ingest
from index.storage import (
    Collection,
    open_collection,
    recorded_model_at,
    scope_filters,
    visible_collection,
)
from index.types import DocumentRecord, Hit, IndexStatus, SearchFilters, UnitRecord
from ingest.pipeline import (
    IngestError,
    IngestLimits,
    chunk_document,
    content_hash,
    discover,
    document_id,
    parse_document,
)

# Re-exported: the CLI and app report a broken rules file like any other deliberate error.
from ingest.rules_file import RulesFileError as RulesFileError
from ingest.types import Chunk, ParsedDocument
from readmit.settings import DEFAULT_MODEL, as_location, is_server

log = logging.getLogger(__name__)

# How much of an article "more like this" searches with: its heading and opening words.
MORE_LIKE_THIS_WORDS = 40

# Called after each file with (file, outcome); outcome is "indexed", "unchanged" or "failed".
ProgressCallback = Callable[[Path, str], None]

# An ingest commits parsed documents in batches: their chunks are embedded together (one
# embedding batch spans several short documents) and written in one transaction, and the
# search cache and manifest are saved once per batch, not once per document. A batch is
# flushed once it holds this many chunks (or documents): a killed ingest loses at most one
# batch of work, and each commit rewrites the vector cache, which grows with the index.
INGEST_BATCH_CHUNKS = 256
INGEST_BATCH_DOCUMENTS = 256


@dataclass(frozen=True)
class DocumentStructure:
    """What the parser made of one indexed document (the ingest report's per-document line)."""

    doc_id: str
    units: int
    chunks: int
    top_level_eids: tuple[str, ...]
    lines: int  # non-blank extracted lines
    lines_not_in_units: int  # the no-text-dropped invariant: 0 unless text was lost
    running_lines_removed: int  # running headers/footers that extraction dropped on purpose


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did, file by file."""

    indexed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (file, reason)
    chunks_embedded: int = 0
    chunks_shipped: int = 0  # vectors taken from the corpus's shipped vectors, not embedded
    structures: tuple[DocumentStructure, ...] = ()  # one per indexed document
    # (file, note): how an indexed file was read, e.g. "language detected from the text: nl",
    # "warning: no articles recognised; …"
    notes: tuple[tuple[str, str], ...] = ()
    # Problems that lost nothing (e.g. the search cache could not be written: it is rebuilt).
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class _Parsed:
    """A changed file, parsed and chunked, waiting for its batch to be embedded and written."""

    path: Path
    doc: ParsedDocument
    chunks: tuple[Chunk, ...]


@dataclass
class _Batch:
    """Parsed documents and unchanged files of one commit."""

    parsed: list[_Parsed] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def chunks(self) -> int:
        return sum(len(item.chunks) for item in self.parsed)


@dataclass
class _Tally:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_shipped: int = 0
    structures: list[DocumentStructure] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def report(self) -> IngestReport:
        return IngestReport(
            indexed=tuple(self.indexed),
            unchanged=tuple(self.unchanged),
            removed=tuple(self.removed),
            failed=tuple(self.failed),
            chunks_embedded=self.chunks_embedded,
            chunks_shipped=self.chunks_shipped,
            structures=tuple(self.structures),
            notes=tuple(self.notes),
            warnings=tuple(self.warnings),
        )


class KnowledgeBase:
    """A corpus index plus the model that reads it."""

    def __init__(
        self,
        index_dir: Path | str,
        *,
        model: str | Embedder | None = None,
        search_config: SearchConfig | None = None,
        limits: IngestLimits | None = None,
    ) -> None:
        """`index_dir`: a folder (embedded) or a `postgresql://` URL (server mode).

        `model=None` takes the model the index was built with (or the default for a new one).
        `limits` bound what one file may cost an ingest (time, extracted text).
        """
        self.index_dir = as_location(index_dir)
        self.limits = limits or IngestLimits()
        if model is None:
            model = recorded_model_at(self.index_dir) or DEFAULT_MODEL
        self._embedder = model if not isinstance(model, str) else None
        self._model_name = model if isinstance(model, str) else model.name
        self._collection: Collection | None = None
        self._searcher: HybridSearcher | None = None
        self.search_config = search_config or SearchConfig()
        # A viewer's KnowledgeBase (`viewed_by`) shares its owner's model, index and searcher.
        self._owner: KnowledgeBase | None = None
        self.visible_groups: tuple[str, ...] | None = None  # None: sees every document

    def viewed_by(self, visible_groups: tuple[str, ...] | None) -> KnowledgeBase:
        """The same index as a viewer in `visible_groups` sees it (None = every document).

        Every read of the returned KnowledgeBase — search, documents, articles, clause slots,
        status counts — shows public documents and those restricted to one of the groups
        only; it cannot ingest or remove.
        """
        owner = self._owner or self
        if visible_groups is None:
            return owner
        view = KnowledgeBase(owner.index_dir, model=owner._model_name)
        view._owner = owner
        view.search_config = owner.search_config
        view.visible_groups = tuple(sorted(visible_groups))
        return view

    @property
    def embedder(self) -> Embedder:
        if self._owner is not None:
            return self._owner.embedder
        if self._embedder is None:
            self._embedder = make_embedder(self._model_name)
        return self._embedder

    @property
    def collection(self) -> Collection:
        """The index, as this KnowledgeBase's viewer may read it."""
        if self._owner is not None:
            return visible_collection(self._owner.collection, groups=self.visible_groups or ())
        if self._collection is None:
            self._collection = open_collection(self.index_dir, embedder=self.embedder)
        return self._collection

    @property
    def location(self) -> str:
        """Where the index is, for people (a URL without its password)."""
        return self.collection.location if is_server(self.index_dir) else str(self.index_dir)

    @property
    def local_state_dir(self) -> Path:
        """A local folder for this process's leftovers (e.g. rejected uploads): beside the
        index folder, or `.readmit` in the working directory in server mode."""
        if isinstance(self.index_dir, Path):
            return self.index_dir.parent
        return Path.cwd() / ".readmit"

    def _scoped(self, filters: SearchFilters | None) -> SearchFilters | None:
        if self.visible_groups is None:
            return filters
        return scope_filters(filters, self.visible_groups)

    def _use_shipped_vectors(self, paths: Sequence[Path]) -> None:
        """Reuse the vectors a folder ships for its chunks (`python scripts/ship_vectors.py`)."""
        embedder = self.embedder
        embedder.shipped = shipped_in(
            paths, model_key=embedder_key(embedder.name), model_name=embedder.name
        )

    def plan(self, paths: Sequence[Path]) -> tuple[list[Path], list[IngestError]]:
        """The files an ingest of `paths` would look at (for progress bars)."""
        return discover(paths)

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        passwords: dict[str, str] | None = None,
        on_file: ProgressCallback | None = None,
        batch_chunks: int = INGEST_BATCH_CHUNKS,
    ) -> IngestReport:
        """Index new and changed documents; drop documents whose files are gone.

        Unchanged files (same content hash) are not parsed or embedded again. Changed files
        are committed in batches of about `batch_chunks` chunks (see INGEST_BATCH_CHUNKS);
        each document is replaced whole, so a killed ingest leaves every document in its old
        or its new version. A file that fails is recorded with its reason and the rest go on,
        also the other documents of its batch; the previous version of a failing document
        stays searchable. The index's writer lock is held for the whole run: a second writer
        fails at once with IndexBusyError.
        """
        self._require_owner("ingest")
        if batch_chunks < 1:
            raise ValueError(f"batch_chunks must be at least 1, got {batch_chunks}")
        with self.collection.writer_lock():
            report = self._ingest_locked(
                paths, passwords=passwords, on_file=on_file, batch_chunks=batch_chunks
            )
            # BM25, the corpus signals and the heading concepts are built once per run for the
            # new state (and, for a folder index, saved beside it), so no later process does.
            self.searcher.prepare()
            return report

    def _ingest_locked(
        self,
        paths: Sequence[Path],
        *,
        passwords: dict[str, str] | None,
        on_file: ProgressCallback | None,
        batch_chunks: int,
    ) -> IngestReport:
        files, problems = discover(paths)
        self._use_shipped_vectors(paths)
        tally = _Tally(failed=[(p.path, p.reason) for p in problems])
        for problem in problems:  # files that are there but refused (same id, outside links)
            if problem.on_disk:
                self.collection.record_failure(problem.path, problem.reason)
        known = self.collection.document_hashes()
        sources = self.collection.document_sources()
        seen: set[str] = set()
        batch = _Batch()
        for path in files:
            doc_id = document_id(path)
            conflict = _other_source(path, sources.get(doc_id))
            if conflict is not None:
                self._fail(tally, str(path), conflict)
                outcome: _Parsed | str = "failed"
            else:
                outcome = self._read_file(path, doc_id, known, tally, passwords or {})
            if outcome == "unchanged":
                batch.unchanged.append(path)
                if sources.get(doc_id) != os.path.abspath(path):
                    # Indexes written before source paths were absolute: record where it is now.
                    self.collection.set_source_path(doc_id, os.path.abspath(path))
            seen.add(doc_id)
            if isinstance(outcome, _Parsed):
                batch.parsed.append(outcome)
            elif on_file is not None:
                on_file(path, outcome)
            if batch.chunks >= batch_chunks or len(batch.parsed) >= INGEST_BATCH_DOCUMENTS:
                self._commit_batch(batch, tally, on_file)
                batch = _Batch()
        self._commit_batch(batch, tally, on_file)
        tally.removed.extend(self._remove_missing(paths, seen))
        # Clause slots of re-indexed documents, and of any document still without slots (an
        # index built before slots existed), are recomputed, and every document's when the
        # taxonomy changed since they were computed; removed documents lost theirs with their units.
        refresh_slots_after_ingest(self.collection, [document_id(Path(p)) for p in tally.indexed])
        if self.collection.cache_write_error is not None:
            tally.warnings.append(
                f"indexed; the search cache could not be written "
                f"({self.collection.cache_write_error}): it will be rebuilt from the database"
            )
        return tally.report()

    def _read_file(
        self,
        path: Path,
        doc_id: str,
        known: dict[str, str],
        tally: _Tally,
        passwords: dict[str, str],
    ) -> _Parsed | str:
        """The file parsed and chunked, or "unchanged", or "failed" (recorded in `tally`)."""
        try:
            digest = content_hash(path)
            if known.get(doc_id) == digest:
                tally.unchanged.append(str(path))
                return "unchanged"
            doc = parse_document(
                path,
                password=passwords.get(path.name) or passwords.get(doc_id),
                known_hash=digest,
                limits=self.limits,
            )
            chunks = chunk_document(
                doc,
                max_tokens=self.embedder.max_tokens,
                count_tokens=self.embedder.count_tokens,
            )
        except IngestError as error:
            self._fail(tally, error.path, error.reason)
            return "failed"
        except OSError as error:
            self._fail(tally, str(path), f"cannot read file: {error.strerror or error}")
            return "failed"
        except (ModelMismatchError, IndexOpenError, IndexBusyError, IndexFullError):
            raise  # the index, not this file: the run cannot go on
        except Exception as error:  # one file must never stop the batch
            self._fail(tally, str(path), _unexpected(path, error))
            return "failed"
        return _Parsed(path=path, doc=doc, chunks=tuple(chunks))

    def _commit_batch(self, batch: _Batch, tally: _Tally, on_file: ProgressCallback | None) -> None:
        """Embed and write the batch's documents in one transaction (one cache write).

        If the batch fails (one document's embedding or write), its documents are written one
        by one, so that only the document at fault fails and the others are indexed.
        """
        if batch.parsed:
            reused_before = self.embedder.shipped_reused
            try:
                embedded = self.collection.upsert_documents(
                    [(item.doc, item.chunks) for item in batch.parsed]
                )
            except (ModelMismatchError, IndexOpenError, IndexBusyError, IndexFullError):
                raise
            except Exception as error:
                if len(batch.parsed) == 1:
                    item = batch.parsed[0]
                    self._fail(tally, str(item.path), _unexpected(item.path, error))
                    if on_file is not None:
                        on_file(item.path, "failed")
                else:
                    log.info(
                        "a batch of %d documents failed (%s); writing them one by one",
                        len(batch.parsed),
                        error,
                    )
                    for item in batch.parsed:
                        self._commit_batch(_Batch(parsed=[item]), tally, on_file)
                if batch.unchanged:
                    self.collection.clear_failures([str(p) for p in batch.unchanged])
                return
            reused = self.embedder.shipped_reused - reused_before
            tally.chunks_embedded += embedded - reused
            tally.chunks_shipped += reused
            for item in batch.parsed:
                doc = item.doc
                tally.structures.append(
                    DocumentStructure(
                        doc_id=doc.doc_id,
                        units=len(doc.units),
                        chunks=len(item.chunks),
                        top_level_eids=doc.top_level_eids,
                        lines=doc.line_count,
                        lines_not_in_units=doc.lines_not_in_units,
                        running_lines_removed=doc.running_lines_removed,
                    )
                )
                tally.notes.extend((str(item.path), note) for note in doc.notes)
                tally.indexed.append(str(item.path))
        done = [str(item.path) for item in batch.parsed] + [str(p) for p in batch.unchanged]
        if done:
            self.collection.clear_failures(done)
        if on_file is not None:
            for item in batch.parsed:
                on_file(item.path, "indexed")

    def _fail(self, tally: _Tally, path: str, reason: str) -> None:
        tally.failed.append((path, reason))
        self.collection.record_failure(path, reason)

    def _remove_missing(self, paths: Sequence[Path], seen: set[str]) -> list[str]:
        """Documents that came from a scanned folder but whose file is gone."""
        folders = [p.resolve() for p in paths if p.is_dir()]
        removed: list[str] = []
        for record in self.collection.list_documents():
            if record.doc_id in seen or not record.source_path:
                continue
            source = Path(record.source_path).resolve()
            if any(source.is_relative_to(folder) for folder in folders) and not source.exists():
                self.collection.remove_document(record.doc_id)
                removed.append(record.doc_id)
        return removed

    def _require_owner(self, what: str) -> None:
        if self._owner is not None:
            raise PermissionError(f"a viewer's KnowledgeBase cannot {what}")

    @property
    def searcher(self) -> HybridSearcher:
        """The shared searcher over the whole index: callers pass `_scoped(filters)`."""
        if self._owner is not None:
            return self._owner.searcher
        if self._searcher is None:
            self._searcher = HybridSearcher(self.collection, config=self.search_config)
        return self._searcher

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """Articles that answer the query, best first (hybrid retrieval, one hit per article)."""
        if not query.strip():
            return []
        return self.searcher.search(query, k=k, filters=self._scoped(filters))

    def search_with_evidence(
        self, query: str, *, k: int = 10, filters: SearchFilters | None = None
    ) -> SearchOutcome:
        """`search` with the evidence the relevance floor judges (`index.retrieval.relevance`)."""
        if not query.strip():
            return SearchOutcome(hits=[], best_similarity=None, known_word_share=None)
        return self.searcher.search_with_evidence(query, k=k, filters=self._scoped(filters))

    def remove(self, doc_id: str) -> bool:
        self._require_owner("remove documents")
        with self.collection.writer_lock():
            return self.collection.remove_document(doc_id)

    def status(self) -> IndexStatus:
        return self.collection.status()

    # ---- reading articles in context --------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        return self.collection.list_documents()

    def document(self, doc_id: str) -> DocumentRecord | None:
        return self.collection.get_document(doc_id)

    def article(self, doc_id: str, eid: str) -> UnitRecord | None:
        return self.collection.get_unit(doc_id, eid)

    def units(self, doc_id: str) -> list[UnitRecord]:
        """The units of one document in reading order."""
        return self.collection.list_units(doc_id)

    def generation(self) -> int:
        """A number that changes whenever the index does (a cache key for derived views)."""
        return self.collection.generation()

    def neighbours(self, doc_id: str, eid: str) -> tuple[UnitRecord | None, UnitRecord | None]:
        """The units before and after `eid` in reading order (None at either end)."""
        units = self.collection.list_units(doc_id)
        position = next((i for i, unit in enumerate(units) if unit.eid == eid), None)
        if position is None:
            return None, None
        previous = units[position - 1] if position > 0 else None
        following = units[position + 1] if position + 1 < len(units) else None
        return previous, following

    def language_versions(self, doc_id: str) -> list[DocumentRecord]:
        """The other language versions of the same instrument (same official reference)."""
        this = self.collection.get_document(doc_id)
        if this is None or not this.official_reference:
            return []
        return [
            other
            for other in self.collection.list_documents()
            if other.official_reference == this.official_reference
            and other.doc_id != doc_id
            and other.language != this.language
        ]

    def counterparts(self, doc_id: str, eid: str) -> list[tuple[DocumentRecord, UnitRecord]]:
        """The same provision in the other language versions (linked by eid: authentic texts
        share their numbering)."""
        found: list[tuple[DocumentRecord, UnitRecord]] = []
        for version in self.language_versions(doc_id):
            unit = self.collection.get_unit(version.doc_id, eid)
            if unit is not None:
                found.append((version, unit))
        return found

    def more_like_this(
        self, doc_id: str, eid: str, *, k: int = 10, filters: SearchFilters | None = None
    ) -> list[Hit]:
        """The same kind of provision in *other* agreements, in any language.

        The article's heading (or, without one, its opening words) is searched like a question:
        the glossary and BM25 carry it across languages, which its stored vector alone does not
        (an English article's nearest vectors are mostly other articles of the same agreement).
        The agreement itself and its other language versions are left out. Results of the
        article's own clause types (index.slots) come first, each group in search order: a
        heading like "Time limits" also finds visa-fee and other articles that merely mention
        a period.
        """
        unit = self.collection.get_unit(doc_id, eid)
        if unit is None:
            return []
        own = {doc_id} | {d.doc_id for d in self.language_versions(doc_id)}
        query = unit.heading or " ".join(unit.text.split()[:MORE_LIKE_THIS_WORDS])
        hits = self.searcher.search(query, k=k * 3, filters=self._scoped(filters))
        candidates = [hit for hit in hits if hit.doc_id not in own]
        wanted = self._likely_slots(doc_id).get(eid, set())
        if wanted:
            slots: dict[str, dict[str, set[str]]] = {}
            for hit in candidates:
                if hit.doc_id not in slots:
                    slots[hit.doc_id] = self._likely_slots(hit.doc_id)
            candidates.sort(key=lambda hit: not (slots[hit.doc_id].get(hit.eid, set()) & wanted))
        return [replace(hit, rank=rank) for rank, hit in enumerate(candidates[:k], start=1)]

    def _likely_slots(self, doc_id: str) -> dict[str, set[str]]:
        """eid → the clause types of that unit without "?" (`index.slots.is_likely_right`): a
        ranking preference, not a fact."""
        found: dict[str, set[str]] = {}
        for assignment in self.collection.slot_assignments(doc_id=doc_id):
            if is_likely_right(assignment):
                found.setdefault(assignment.eid, set()).add(assignment.slot)
        return found


def _unexpected(path: Path, error: Exception) -> str:
    """A defect (ours or a library's) met on one file: its failure reason, details in the log."""
    log.error("unexpected error while ingesting %s", path, exc_info=error)
    return f"unexpected error: {type(error).__name__}: {str(error)[:300]}"


def _other_source(path: Path, indexed_from: str | None) -> str | None:
    """Why `path` may not replace its document: the index holds that document id from
    another file beside it that still exists (an x-en.pdf next to an indexed x-en.txt).
    Replacing it would flip the searchable version at every re-index of the folder, so the
    maintainer must remove or rename one. (A file in another folder replaces the document:
    that is how a new version is ingested from elsewhere.)"""
    if not indexed_from:
        return None
    other = Path(indexed_from)
    if not other.is_absolute() or not other.is_file():
        return None  # moved or withdrawn (or recorded relative by an older index): replace
    if other.parent.resolve() != path.parent.resolve() or other.name == path.name:
        return None
    return (
        f"same document id {path.stem!r} as the indexed file {other.name} beside it: keep one "
        "file per document id (rename or remove one); the indexed version stays"
    )
