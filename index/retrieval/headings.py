"""Which chunks' headings name which glossary concept ("Bevoegde autoriteiten" → competent
authority), for the heading ranking of `index.retrieval.hybrid`.

A chunk's heading is what follows the dash in its first line, the citation ("Article 9 —
Designation of competent authorities"); an untitled article's chunk has none. A heading
names a concept when all stems of one of the concept's wordings occur among the heading's
stems (the rule by which a question names one, `Glossary.matching`).
Built once per collection generation from the distinct headings, so a question costs a lookup.
Building reads the text of every chunk (23 s at a million chunks), so an index folder keeps the
result in `heading-concepts.g<generation>.json` (index.retrieval.derived), keyed also by the
glossary and the tokenisation it was built with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from index.retrieval.derived import derived_path, read_derived, save_derived, strings
from index.retrieval.glossary import Concept, Glossary, term_word_stems
from index.retrieval.lexical import TOKENS_VERSION, tokenize_query
from index.storage.collection import Collection

HEADINGS_FILE_PREFIX = "heading-concepts.g"
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class HeadingConcepts:
    chunks: Mapping[str, tuple[int, ...]]  # concept key → chunks whose heading names it

    @classmethod
    def build(cls, chunks: Iterable[tuple[int, str]], glossary: Glossary) -> HeadingConcepts:
        """`chunks`: (chunk id, chunk text) in the collection's order."""
        by_heading: dict[str, list[int]] = {}
        for chunk_id, text in chunks:
            heading = _heading(text)
            if heading:
                by_heading.setdefault(heading, []).append(chunk_id)
        # stem → the headings holding it; a wording then names the headings in the intersection,
        # over its words, of the union of each word's stems (`mentions`, the other way round)
        by_stem: dict[str, set[int]] = {}
        headings = list(by_heading)
        for number, heading in enumerate(headings):
            for stem in tokenize_query(heading):
                by_stem.setdefault(stem, set()).add(number)
        found: dict[str, list[int]] = {}
        for concept in glossary.concepts:
            named: set[int] = set()
            for term in concept.all_terms():
                words = term_word_stems(term)
                if not words:
                    continue
                holding = [set().union(*(by_stem.get(stem, ()) for stem in word)) for word in words]
                named |= set.intersection(*holding)
            if named:
                found[concept.key] = [cid for n in sorted(named) for cid in by_heading[headings[n]]]
        return cls(chunks={key: tuple(ids) for key, ids in found.items()})

    @classmethod
    def load(cls, collection: Collection, glossary: Glossary) -> HeadingConcepts:
        """Built from every chunk of `collection`, or read from the file an earlier process
        saved for this generation, index and glossary (a server index or a viewer's view keeps
        its own in memory)."""
        folder = collection.cache_folder
        if folder is None:
            return cls.build(((c.chunk_id, c.text) for c in collection.iter_chunks()), glossary)
        generation = collection.generation()
        key = {
            "format_version": _FORMAT_VERSION,
            "tokens_version": TOKENS_VERSION,
            "generation": generation,
            "index_id": collection.index_id(),
            "glossary_sha256": _glossary_sha256(glossary),
        }
        path = derived_path(folder, HEADINGS_FILE_PREFIX, generation)
        raw = read_derived(path, key=key)
        if raw is not None:
            try:
                return cls(
                    chunks={
                        strings([concept])[0]: tuple(_chunk_ids(ids))
                        for concept, ids in dict(raw["chunks"]).items()
                    }
                )
            except (KeyError, TypeError, ValueError):
                pass  # damaged: built and rewritten below
        built = cls.build(((c.chunk_id, c.text) for c in collection.iter_chunks()), glossary)
        # Only a snapshot that still is the current generation may be saved under its number.
        if collection.generation() == generation:
            content = {"chunks": {concept: list(ids) for concept, ids in built.chunks.items()}}
            save_derived(path, prefix=HEADINGS_FILE_PREFIX, key=key, content=content)
        return built

    def most_headed(
        self, concepts: Iterable[Concept], *, chunks_with: Callable[[str], int]
    ) -> tuple[int, ...]:
        """The chunks headed by the question's concept that is most often a heading for how
        often it is mentioned at all: headings naming it / chunks holding its words
        (`chunks_with`: a stem's chunk count). "Language" heads a large share of the chunks
        that mention it; "request" is mentioned everywhere and heads few."""
        best: tuple[int, ...] = ()
        best_share = 0.0
        for concept in concepts:
            headed = self.chunks.get(concept.key, ())
            if not headed:
                continue
            share = len(headed) / max(len(headed), _mentioning(concept, chunks_with))
            if share > best_share:
                best, best_share = headed, share
        return best

    def most_specific(self, concepts: Iterable[Concept], *, fewer_than: int) -> tuple[int, ...]:
        """The chunks headed by the question's rarest heading concept: of its concepts named
        by fewer than `fewer_than` headings, the one named by fewest (a question about the
        "competent authorities" for a "readmission request" is about the first: most headings
        mention readmission or requests). Empty when no concept qualifies."""
        best: tuple[int, ...] = ()
        for concept in concepts:
            headed = self.chunks.get(concept.key, ())
            if headed and len(headed) < fewer_than and (not best or len(headed) < len(best)):
                best = headed
        return best


def _heading(chunk_text: str) -> str:
    """The heading in the chunk's citation line ("" for an untitled article's chunk)."""
    citation, newline, _body = chunk_text.partition("\n")
    _number, dash, heading = citation.rpartition(" — ")
    return heading if newline and dash else ""


def _mentioning(concept: Concept, chunks_with: Callable[[str], int]) -> int:
    """About how many chunks mention the concept: for each wording, the chunk count of its
    rarest word (any language's stem of it), the largest over the wordings."""
    most = 0
    for term in concept.all_terms():
        words = term_word_stems(term)
        if words:
            most = max(most, min(max(chunks_with(stem) for stem in word) for word in words))
    return most


def _glossary_sha256(glossary: Glossary) -> str:
    concepts = [
        [c.key, {lang: list(terms) for lang, terms in c.terms.items()}] for c in glossary.concepts
    ]
    return hashlib.sha256(json.dumps(concepts, sort_keys=True).encode("utf-8")).hexdigest()


def _chunk_ids(values: object) -> list[int]:
    if not isinstance(values, list) or not all(type(v) is int for v in values):
        raise TypeError("expected a list of chunk ids")
    return values
