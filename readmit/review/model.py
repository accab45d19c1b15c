"""What a review finds, as small frozen dataclasses carrying their citation fields."""

from __future__ import annotations

from dataclasses import dataclass

from readmit.drafting.diff import DiffSegment


class ReviewError(ValueError):
    """A review that cannot be made (unreadable proposal, unknown target), with the reason."""


@dataclass(frozen=True)
class ReviewUnit:
    """One article (or the whole text) of the proposal or of the target."""

    eid: str  # "art_7", "preamble", "final"; "text" for a proposal without articles
    label: str  # "Article 7", "Preamble", "Whole text"
    heading: str | None
    text: str
    clause_types: tuple[str, ...] = ()  # ingest.taxonomy slot keys, best first ("other" dropped)
    kind: str = "article"

    @property
    def citation(self) -> str:
        return f"{self.label} — {self.heading}" if self.heading else self.label


@dataclass(frozen=True)
class PrecedentRange:
    """Where a period stands among the same purpose's periods in the precedents."""

    purpose: str
    count: int  # periods of this purpose in the precedents
    longer: int  # of them, longer than the proposal's
    shorter: int
    same: int
    shortest: str  # "15 days (doc-id, Art. 7)"
    longest: str

    def summary(self, purpose_label: str) -> str:
        """ "of 48 reply limits in the precedents, 3 are longer" """
        if self.count == 0:
            return f"no {purpose_label} limits in the precedents"
        return (
            f"of {self.count} {purpose_label} limits in the precedents, {self.longer} "
            f"{'is' if self.longer == 1 else 'are'} longer, {self.same} the same, "
            f"{self.shorter} shorter (shortest {self.shortest}, longest {self.longest})"
        )


@dataclass(frozen=True)
class TimeLimitComparison:
    """The periods of one purpose in an aligned pair, as written on each side."""

    purpose: str  # ingest.time_limits purpose ("reply", "validity", "costs", ...)
    purpose_label: str  # "reply to a request"
    proposal: str | None  # "60 calendar days" (None: the proposal has none for this purpose)
    against: str | None
    differs: bool
    precedents: PrecedentRange | None
    sentence: str = ""  # the proposal's sentence (or the target's when the proposal has none)

    def short(self, against_name: str = "the model") -> str:
        """ "reply to a request: 60 calendar days (the model: 21 calendar days); 0 of 48
        precedents longer" (for a summary table)."""
        text = (
            f"{self.purpose_label}: {self.proposal or 'none'} "
            f"({against_name}: {self.against or 'none'})"
        )
        if self.precedents is not None and self.precedents.count:
            text += f"; {self.precedents.longer} of {self.precedents.count} precedents longer"
        return text

    def describe(self, against_name: str = "the model") -> str:
        """ "reply to a request within 60 calendar days: the model says 21 calendar days; of
        48 reply limits in the precedents, 3 are longer" """
        ours = self.against or "no such period"
        theirs = self.proposal or "no such period"
        text = f"{self.purpose_label}: the proposal says {theirs}, {against_name} says {ours}"
        if self.precedents is not None:
            text += f"; {self.precedents.summary(self.purpose)}"
        return text


@dataclass(frozen=True)
class NumberDeviation:
    """A number other than a period that differs: an amount of money, a percentage, a count."""

    kind: str  # "amount" | "number"
    proposal: tuple[str, ...]
    against: tuple[str, ...]


@dataclass(frozen=True)
class NearestPrecedent:
    """An article of an indexed agreement close to an added article."""

    doc_id: str
    eid: str
    title: str
    citation: str  # "Article 12 — Escort"
    language: str
    score: float


@dataclass(frozen=True)
class AlignedArticle:
    """A proposal article and the target article(s) it corresponds to (none, one or two)."""

    proposal: ReviewUnit
    against: tuple[ReviewUnit, ...]
    similarity: float  # 0..1, word-level, of the proposal text to the target text(s)
    diff: tuple[DiffSegment, ...]  # turning the target text into the proposal text
    time_limits: tuple[TimeLimitComparison, ...]
    numbers: tuple[NumberDeviation, ...]

    @property
    def changed(self) -> bool:
        return any(segment.kind != "equal" and segment.text.strip() for segment in self.diff)

    @property
    def deviations(self) -> tuple[TimeLimitComparison, ...]:
        return tuple(limit for limit in self.time_limits if limit.differs)


@dataclass(frozen=True)
class MissingClause:
    """A clause type the target has and the proposal lacks."""

    clause_type: str
    title: str
    against: ReviewUnit


@dataclass(frozen=True)
class ExtraArticle:
    """A proposal article without a counterpart in the target."""

    proposal: ReviewUnit
    nearest: tuple[NearestPrecedent, ...]  # () = no precedent found


@dataclass(frozen=True)
class Review:
    """The whole review of one proposal against one target."""

    proposal_name: str  # the proposal's file name (inert text: shown, never interpreted)
    proposal_language: str
    against_kind: str  # "draft" | "document"
    against_id: str
    against_title: str
    articles: tuple[AlignedArticle, ...]
    missing: tuple[MissingClause, ...]
    extra: tuple[ExtraArticle, ...]
    unmatched_against: tuple[ReviewUnit, ...]  # target articles no proposal article matches
    notes: tuple[str, ...] = ()
    precedent_documents: int = 0  # agreements the precedent ranges were taken from
    against_units: tuple[ReviewUnit, ...] = ()  # all of the target's units, in its order

    @property
    def deviation_count(self) -> int:
        return sum(1 for article in self.articles if article.against and article.changed)
