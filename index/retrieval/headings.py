"""Which chunks' headings name which glossary concept ("Bevoegde autoriteiten" → competent
authority), for the heading ranking of `index.retrieval.hybrid`.

A chunk's heading is what follows the dash in its first line, the citation ("Article 9 —
Designation of competent authorities"); an untitled article's chunk has none. A heading
names a concept when all stems of one of the concept's wordings occur among the heading's
stems (the rule by which a question names one, `Glossary.matching`).
Built once per collection generation from the distinct headings, so a question costs a lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from index.retrieval.glossary import Concept, Glossary, term_word_stems
from index.retrieval.lexical import tokenize_query


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
