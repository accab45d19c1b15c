"""What a drafter must check before a draft circulates, shown on the Draft page and printed in
every export (as drafting notes, apart from the treaty text):

- cross-references that point outside the draft or to a renumbered article (`crossrefs`);
- articles taken from sources in different languages (a Dutch article in an English draft).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from readmit.drafting.crossrefs import reference_warnings
from readmit.drafting.model import Draft, article_numbering


@dataclass(frozen=True)
class DraftWarning:
    """One point to check: which drafted article (None: the whole draft) and what."""

    clause_id: str | None
    message: str


def language_warning(draft: Draft) -> DraftWarning | None:
    """A warning when the draft's sourced articles come from more than one language."""
    languages: Counter[str] = Counter()
    articles: dict[str, list[str]] = {}
    for number, clause in article_numbering(draft):
        source = clause.provenance
        if source is None or not source.language:
            continue
        languages[source.language] += 1
        label = f"Article {number}" if number is not None else "the preamble"
        articles.setdefault(source.language, []).append(label)
    if len(languages) < 2:
        return None
    main = languages.most_common(1)[0][0]
    others = "; ".join(
        f"{language.upper()}: {', '.join(articles[language])}"
        for language in sorted(languages)
        if language != main
    )
    return DraftWarning(
        None,
        f"The draft mixes languages: most articles are {main.upper()}, but {others}. "
        "Translate them or take the same clause from a language version that matches.",
    )


def draft_warnings(draft: Draft) -> list[DraftWarning]:
    """Every point to check, the whole-draft ones first, then per article in draft order."""
    found: list[DraftWarning] = []
    mixed = language_warning(draft)
    if mixed is not None:
        found.append(mixed)
    found += [DraftWarning(w.clause_id, w.describe()) for w in reference_warnings(draft)]
    return found
