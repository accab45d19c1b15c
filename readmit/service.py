"""The service the CLI and the app call: ingest a corpus, search it, report its state.

UI → service → components (as in private-gpt): `KnowledgeBase` wires the ingest layer to an
index `Collection`; it holds no UI code and builds nothing heavy until first used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.collection import Collection, recorded_model
from index.embedders import Embedder, make_embedder
from index.errors import IndexWriteError
from index.lock import writer_lock
from index.search import HybridSearcher, SearchConfig
from index.slots import refresh_slots
from index.types import DocumentRecord, Hit, IndexStatus, SearchFilters, UnitRecord
from ingest.pipeline import IngestError, chunk_document, content_hash, discover, parse_document
from ingest.types import Chunk, ParsedDocument
from readmit.settings import DEFAULT_MODEL

# An ingest commits once this many chunks of changed files are parsed (one embedding batch): a
# folder of many small files is not one transaction and one FAISS cache write per file, and a
# large document is still its own transaction.
BULK_CHUNKS = 64

# How much of an article "more like this" searches with: its heading and opening words.
MORE_LIKE_THIS_WORDS = 40

# Called after each file with (file, outcome); outcome is "indexed", "unchanged" or "failed".
# ("indexed" comes when the file's batch is committed.)
ProgressCallback = Callable[[Path, str], None]


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did, file by file."""

    indexed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (file, reason)
    chunks_embedded: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class _Tally:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks_embedded: int = 0

    def report(self) -> IngestReport:
        return IngestReport(
            indexed=tuple(self.indexed),
            unchanged=tuple(self.unchanged),
            removed=tuple(self.removed),
            failed=tuple(self.failed),
            chunks_embedded=self.chunks_embedded,
        )


@dataclass(frozen=True)
class _Parsed:
    """A changed file, parsed and chunked, waiting for its batch to be stored."""

    path: Path
    doc: ParsedDocument
    chunks: tuple[Chunk, ...]


class KnowledgeBase:
    """A corpus index plus the model that reads it."""

    def __init__(
        self,
        index_dir: Path,
        *,
        model: str | Embedder | None = None,
        search_config: SearchConfig | None = None,
    ) -> None:
        """`model=None` takes the model the index was built with (or the default for a new one)."""
        self.index_dir = Path(index_dir)
        if model is None:
            model = recorded_model(self.index_dir) or DEFAULT_MODEL
        self._embedder = model if not isinstance(model, str) else None
        self._model_name = model if isinstance(model, str) else model.name
        self._collection: Collection | None = None
        self._searcher: HybridSearcher | None = None
        self.search_config = search_config or SearchConfig()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self._model_name)
        return self._embedder

    @property
    def collection(self) -> Collection:
        if self._collection is None:
            self._collection = Collection(self.index_dir, embedder=self.embedder)
        return self._collection

    def plan(self, paths: Sequence[Path]) -> tuple[list[Path], list[IngestError]]:
        """The files an ingest of `paths` would look at (for progress bars)."""
        return discover(paths)

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        passwords: dict[str, str] | None = None,
        on_file: ProgressCallback | None = None,
    ) -> IngestReport:
        """Index new and changed documents; drop documents whose files are gone.

        Unchanged files (same content hash) are not parsed or embedded again. A file that
        fails is recorded with its reason and the rest go on; the previous version of a
        failing document stays searchable. The index's writer lock is held for the whole run:
        a second writer fails at once with IndexBusyError.
        """
        with writer_lock(self.index_dir):
            report = self._ingest_locked(paths, passwords=passwords, on_file=on_file)
            # BM25 is saved once per run for the new state, so no later process rebuilds it.
            self.searcher.lexical_index()
            return report

    def _ingest_locked(
        self,
        paths: Sequence[Path],
        *,
        passwords: dict[str, str] | None,
        on_file: ProgressCallback | None,
    ) -> IngestReport:
        files, problems = discover(paths)
        tally = _Tally(failed=[(p.path, p.reason) for p in problems])
        known = self.collection.document_hashes()
        seen: set[str] = set()
        pending: list[_Parsed] = []
        for path in files:
            doc_id = path.stem
            outcome = self._prepare_file(path, doc_id, known, tally, passwords or {})
            seen.add(doc_id)
            if isinstance(outcome, _Parsed):
                pending.append(outcome)
                if sum(len(p.chunks) for p in pending) >= BULK_CHUNKS:
                    self._commit(pending, tally, on_file)
                    pending = []
            elif on_file is not None:
                on_file(path, outcome)
        self._commit(pending, tally, on_file)
        tally.removed.extend(self._remove_missing(paths, seen))
        # Clause slots of re-indexed documents, and of any document still without slots (an
        # index built before slots existed), are recomputed; removed documents lost theirs with
        # their units.
        refresh_slots(self.collection, [Path(p).stem for p in tally.indexed])
        refresh_slots(self.collection, missing_only=True)
        return tally.report()

    def _prepare_file(
        self,
        path: Path,
        doc_id: str,
        known: dict[str, str],
        tally: _Tally,
        passwords: dict[str, str],
    ) -> _Parsed | str:
        """The parsed, chunked document to store, or the outcome ("unchanged", "failed")."""
        try:
            digest = content_hash(path)
            if known.get(doc_id) == digest:
                tally.unchanged.append(str(path))
                self.collection.clear_failures([str(path)])
                return "unchanged"
            doc = parse_document(
                path,
                password=passwords.get(path.name) or passwords.get(doc_id),
                known_hash=digest,
            )
            chunks = chunk_document(
                doc,
                max_tokens=self.embedder.max_tokens,
                count_tokens=self.embedder.count_tokens,
            )
        except IngestError as error:
            tally.failed.append((error.path, error.reason))
            self.collection.record_failure(error.path, error.reason)
            return "failed"
        except OSError as error:
            reason = f"cannot read file: {error.strerror or error}"
            tally.failed.append((str(path), reason))
            self.collection.record_failure(str(path), reason)
            return "failed"
        return _Parsed(path=path, doc=doc, chunks=tuple(chunks))

    def _commit(
        self, batch: Sequence[_Parsed], tally: _Tally, on_file: ProgressCallback | None
    ) -> None:
        """Store a batch of documents in one transaction (each document is then entirely old or
        entirely new after a crash), embedding across documents and saving the FAISS cache once.
        """
        if not batch:
            return
        try:
            embedded = self.collection.upsert_documents([(p.doc, p.chunks) for p in batch])
        except IndexWriteError:
            if len(batch) == 1:
                raise
            # Find the offending document as before: one transaction each (it raises again).
            embedded = sum(self.collection.upsert_document(p.doc, p.chunks) for p in batch)
        tally.chunks_embedded += embedded
        self.collection.clear_failures([str(p.path) for p in batch])
        for parsed in batch:
            tally.indexed.append(str(parsed.path))
            if on_file is not None:
                on_file(parsed.path, "indexed")

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

    @property
    def searcher(self) -> HybridSearcher:
        if self._searcher is None:
            self._searcher = HybridSearcher(self.collection, config=self.search_config)
        return self._searcher

    def search(self, query: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """Articles that answer the query, best first (hybrid retrieval, one hit per article)."""
        if not query.strip():
            return []
        return self.searcher.search(query, k=k, filters=filters)

    def remove(self, doc_id: str) -> bool:
        with writer_lock(self.index_dir):
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
        The agreement itself and its other language versions are left out.
        """
        unit = self.collection.get_unit(doc_id, eid)
        if unit is None:
            return []
        own = {doc_id} | {d.doc_id for d in self.language_versions(doc_id)}
        query = unit.heading or " ".join(unit.text.split()[:MORE_LIKE_THIS_WORDS])
        hits = self.searcher.search(query, k=k * 3, filters=filters)
        results = [hit for hit in hits if hit.doc_id not in own][:k]
        return [replace(hit, rank=rank) for rank, hit in enumerate(results, start=1)]
