"""Corpus-side signals for hybrid search beyond the two retrievers (each off unless configured).

- Language versions: documents with the same official reference are authentic texts of one
  instrument, numbered alike, so an article's counterpart is the same eId in the twin document.
  When one version ranks, its counterparts are lifted (`propagate_versions`).
- Clause types: the slot classifier (`index.slots`) stores each unit's clause types. A query is
  mapped to the clause types whose vectors (taxonomy description + typical wordings) it is
  nearest to — by embedding similarity, no rule per question — and the units of those types make
  one more ranking for the fusion (`clause_type_ranking`).

All of it is read once per collection generation (`CorpusSignals.load`). What comes from the
documents table (language versions, the languages of treaties and of all documents) costs a
scan of every document with its chunk count, 1.6 s at a million chunks, and changes only with
the generation: an index folder keeps it in `corpus-signals.g<generation>.json`, a derived file
that names the index id and generation it was computed for and is recomputed when either
differs. Slot assignments are stored without a new generation (index.slots), so they are read
from the database by every process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from index.retrieval.derived import derived_path, read_derived, save_derived, strings
from index.slots import ASSIGN_THRESHOLD, slot_matrix
from index.storage.collection import Collection
from index.storage.visibility import is_visible
from ingest.chunking import stable_chunk_id
from ingest.taxonomy import OTHER, SLOTS
from ingest.types import is_guidance_kind

SIGNALS_FILE_PREFIX = "corpus-signals.g"
_FORMAT_VERSION = 2  # 2: treaties' languages with their visibilities


@dataclass(frozen=True)
class DocumentSignals:
    """What the signals take from the documents table (cached on disk per generation)."""

    version_groups: tuple[tuple[str, ...], ...]  # doc ids sharing an official reference
    # Each distinct (language, visibility) of the agreements, protocols and conventions.
    precedents: tuple[tuple[str, tuple[str, ...]], ...]
    # Each distinct (language, visibility) of the documents: which languages a viewer sees.
    languages: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def compute(cls, collection: Collection) -> DocumentSignals:
        groups: dict[str, list[str]] = {}
        documents = collection.list_documents()
        for document in documents:
            if document.official_reference:
                groups.setdefault(document.official_reference, []).append(document.doc_id)
        return cls(
            version_groups=tuple(tuple(g) for g in groups.values() if len(g) > 1),
            precedents=tuple(
                sorted(
                    {
                        (d.language, tuple(d.visibility))
                        for d in documents
                        if not is_guidance_kind(d.kind)
                    }
                )
            ),
            languages=tuple(sorted({(d.language, tuple(d.visibility)) for d in documents})),
        )

    @classmethod
    def load(cls, collection: Collection) -> DocumentSignals:
        """From this generation's file beside the index if it is this index's, else computed
        (and saved there for the next process; a server index or a viewer's view has none)."""
        folder = collection.cache_folder
        if folder is None:
            return cls.compute(collection)
        generation = collection.generation()
        key = {
            "format_version": _FORMAT_VERSION,
            "generation": generation,
            "index_id": collection.index_id(),
        }
        path = derived_path(folder, SIGNALS_FILE_PREFIX, generation)
        raw = read_derived(path, key=key)
        if raw is not None:
            try:
                return cls(
                    version_groups=tuple(strings(group) for group in raw["version_groups"]),
                    precedents=tuple(
                        (strings([language])[0], strings(visibility))
                        for language, visibility in raw["precedents"]
                    ),
                    languages=tuple(
                        (strings([language])[0], strings(visibility))
                        for language, visibility in raw["languages"]
                    ),
                )
            except (KeyError, TypeError, ValueError):
                pass  # damaged: computed and rewritten below
        computed = cls.compute(collection)
        # Only a snapshot that still is the current generation may be saved under its number.
        if collection.generation() == generation:
            content = {
                "version_groups": [list(group) for group in computed.version_groups],
                "precedents": [
                    [language, list(groups)] for language, groups in computed.precedents
                ],
                "languages": [[language, list(groups)] for language, groups in computed.languages],
            }
            save_derived(path, prefix=SIGNALS_FILE_PREFIX, key=key, content=content)
        return computed


@dataclass(frozen=True)
class CorpusSignals:
    versions: Mapping[str, tuple[str, ...]]  # doc_id → its other language versions
    slot_units: Mapping[str, tuple[tuple[str, str], ...]]  # slot → (doc_id, eid), surest first
    # The languages the corpus holds an agreement, protocol or convention in (None: not known).
    # A language with only national laws or guides (the corpus's Thai, Chinese, Indonesian …)
    # has no unit of a treaty clause type for a question to find.
    precedent_languages: frozenset[str] | None = None
    # Each distinct (language, visibility) of the indexed documents (`corpus_languages`).
    document_languages: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # language → the distinct visibilities of its agreements, protocols and conventions: which
    # of them a viewer may see (a hidden treaty's language must not change how a query is
    # bridged, index.retrieval.glossary.bridge_wordings).
    precedent_visibility: Mapping[str, frozenset[tuple[str, ...]]] | None = None

    @classmethod
    def load(cls, collection: Collection) -> CorpusSignals:
        documents = DocumentSignals.load(collection)
        versions = {
            doc_id: tuple(other for other in group if other != doc_id)
            for group in documents.version_groups
            for doc_id in group
        }
        by_slot: dict[str, list[tuple[float, str, str]]] = {}
        for assignment in collection.slot_assignments():
            if assignment.slot != OTHER and assignment.confidence >= ASSIGN_THRESHOLD:
                by_slot.setdefault(assignment.slot, []).append(
                    (-assignment.confidence, assignment.doc_id, assignment.eid)
                )
        slot_units = {
            slot: tuple((doc_id, eid) for _, doc_id, eid in sorted(rows))
            for slot, rows in by_slot.items()
        }
        precedents: dict[str, set[tuple[str, ...]]] = {}
        for language, visibility in documents.precedents:
            precedents.setdefault(language, set()).add(visibility)
        return cls(
            versions=versions,
            slot_units=slot_units,
            precedent_languages=frozenset(precedents),
            document_languages=documents.languages,
            precedent_visibility={lang: frozenset(seen) for lang, seen in precedents.items()},
        )

    def treaty_languages(self, visible_groups: tuple[str, ...] | None = None) -> frozenset[str]:
        """The languages of the agreements, protocols and conventions a viewer in
        `visible_groups` may see (None: a viewer who sees every document)."""
        if self.precedent_visibility is None:
            return self.precedent_languages or frozenset()
        return frozenset(
            language
            for language, visibilities in self.precedent_visibility.items()
            if any(is_visible(visibility, visible_groups) for visibility in visibilities)
        )

    def corpus_languages(self, visible_groups: Sequence[str] | None) -> tuple[str, ...]:
        """The languages of the documents a viewer in `visible_groups` may see (None: all)."""
        return tuple(
            sorted(
                {
                    language
                    for language, visibility in self.document_languages
                    if is_visible(visibility, visible_groups)
                }
            )
        )

    def counterpart_chunks(self, doc_id: str, eid: str) -> list[int]:
        """First-chunk ids of the unit's counterparts in the other language versions (a chunk
        id is a hash of document, unit and position, so no lookup is needed)."""
        return [stable_chunk_id(twin, eid, 0) for twin in self.versions.get(doc_id, ())]


def propagate_versions(
    fused: dict[int, float],
    units: Mapping[int, tuple[str, str]],
    signals: CorpusSignals,
    *,
    share: float,
    additive: bool = True,
) -> dict[int, float]:
    """Each ranked chunk gives `share` of its score to its counterparts' first chunks: added
    to the counterpart's own score, or (not `additive`) as a floor under it."""
    lifted = dict(fused)
    for chunk_id, score in fused.items():
        unit = units.get(chunk_id)
        if unit is None:
            continue
        for twin in signals.counterpart_chunks(*unit):
            if additive:
                lifted[twin] = lifted.get(twin, 0.0) + share * score
            else:
                lifted[twin] = max(lifted.get(twin, 0.0), fused.get(twin, 0.0), share * score)
    return lifted


def nearest_clause_types(
    query_vector: np.ndarray, collection: Collection, *, slots: int
) -> list[str]:
    """The keys of the `slots` clause types whose vectors the query is nearest to."""
    # The slot vectors are cached on disk in an index folder (index.slots); a server has none.
    cache_dir = collection.cache_folder
    slot_vectors = slot_matrix(collection.embedder, cache_dir=cache_dir)
    similarities = slot_vectors @ np.asarray(query_vector, dtype=np.float32)
    return [SLOTS[i].key for i in np.argsort(-similarities)[:slots]]


def clause_type_ranking(
    nearest: Sequence[str],
    signals: CorpusSignals,
    dense_ranking: Sequence[int],
    units: Mapping[int, tuple[str, str]],
) -> list[int]:
    """Chunks of the units whose clause type is in `nearest`: those the dense ranking found
    (`units` maps its chunk ids to their units) in its order, then the rest (surest assignment
    first, by their first chunk)."""
    wanted = {unit for key in nearest for unit in signals.slot_units.get(key, ())}
    ranking = [cid for cid in dense_ranking if units.get(cid) in wanted]
    seen = {units[cid] for cid in ranking}
    for key in nearest:
        for unit in signals.slot_units.get(key, ()):
            if unit not in seen:
                seen.add(unit)
                ranking.append(stable_chunk_id(*unit, 0))
    return ranking
