"""Clause types for every unit: keyword evidence (ingest.slot_patterns) + embedding similarity.

Confidence scale (one unit, one slot), combined as independent evidence 1 - Π(1 - p):
- the heading names the slot ("Antwoord op het verzoek"): 0.85;
- the body has the slot's cue words at least `body_hits_needed` times: 0.5, +0.05 per further
  hit, at most 0.75; fewer hits: 0.25;
- the unit's vector (mean of its stored chunk vectors) is nearest to the slot's vector among all
  slots: 0.45; second nearest 0.25; third 0.1. A slot vector is the mean of the embedded
  description and the typical wording in en/nl/fr/de (cached per model).
An assignment needs ASSIGN_THRESHOLD (0.5): the embedding alone never suffices, it confirms
weak keyword evidence. How far it can be trusted is `probability_right` (a calibrated model of
the evidence kinds, not this score): confident, probable ("~") or doubtful ("?"). A unit
without any assignment gets "other" (method "fallback"). Preambles and signature blocks are
"other" by definition.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from index.embedders import Embedder
from index.retrieval.glossary import glossary_fingerprint
from index.slot_calibration import INTERCEPT, WEIGHTS
from index.storage.collection import Collection
from index.storage.rows import SLOT_FILTER_MIN_CONFIDENCE
from index.types import SlotAssignment, UnitRecord
from index.vector_file import load_vectors, save_vectors
from ingest.slot_patterns import KeywordEvidence, keyword_evidence
from ingest.taxonomy import OTHER, SLOTS, get_slot, slot_text_variants, taxonomy_fingerprint
from ingest.time_limits import extract_time_limits

ASSIGN_THRESHOLD = SLOT_FILTER_MIN_CONFIDENCE

HEADING_SCORE = 0.85
BODY_SCORE = 0.5
BODY_STEP = 0.05
BODY_MAX = 0.75
BODY_WEAK_SCORE = 0.25
EMBEDDING_RANK_SCORES = (0.45, 0.25, 0.1)
TIME_LIMIT_SCORE = 0.6
# A time limit for one of these purposes (ingest.time_limits) is evidence for the slot.
TIME_LIMIT_SLOTS = {
    "reply": "time-limit-reply",
    "transfer": "time-limit-transfer",
    "request": "time-limit-request",
}


_NOT_CLAUSES = ("preamble", "final")  # unit kinds that are never a clause type

SLOT_VECTORS_FILE = "slot-vectors.npz"
_slot_cache: dict[str, np.ndarray] = {}
_cache_lock = threading.Lock()


def _slot_key(embedder: Embedder) -> str:
    """What the slot vectors depend on: the model and every text embedded for them."""
    digest = hashlib.sha256(f"{embedder.name}\x1f{embedder.dimension}".encode())
    for slot in SLOTS:
        digest.update(b"\x1e" + slot.key.encode())
        for text in slot_text_variants(slot):
            digest.update(b"\x1f" + text.encode())
    return digest.hexdigest()


def slot_matrix(embedder: Embedder, *, cache_dir: Path | None = None) -> np.ndarray:
    """(len(SLOTS), dimension) unit vectors of the slots, embedded once per model.

    Kept in memory and, with `cache_dir` (the index folder), on disk as `slot-vectors.npz`
    keyed by the model and the slot texts, so a new process (each `readmit ingest`) does not
    embed the 31 descriptions and their wordings again.
    """
    key = _slot_key(embedder)
    with _cache_lock:
        cached = _slot_cache.get(key)
        if cached is not None:
            return cached
    path = cache_dir / SLOT_VECTORS_FILE if cache_dir is not None else None
    matrix = load_vectors(path, key, (len(SLOTS), embedder.dimension)) if path is not None else None
    if matrix is None:
        rows = []
        for slot in SLOTS:
            variants = embedder.encode_queries(list(slot_text_variants(slot)))
            mean = variants.mean(axis=0)
            rows.append(mean / (np.linalg.norm(mean) or 1.0))
        matrix = np.asarray(rows, dtype=np.float32)
        if path is not None:
            save_vectors(path, key, matrix)
    with _cache_lock:
        _slot_cache[key] = matrix
    return matrix


def keyword_score(evidence: KeywordEvidence | None) -> tuple[float, list[str]]:
    """The keyword part of a slot's confidence and the evidence kinds that gave it."""
    if evidence is None:
        return 0.0, []
    needed = get_slot(evidence.slot).body_hits_needed
    score, methods = 0.0, []
    if evidence.heading_terms:
        score, methods = HEADING_SCORE, ["heading"]
    if evidence.body_matches >= needed:
        body = min(BODY_MAX, BODY_SCORE + BODY_STEP * (evidence.body_matches - needed))
        score = 1 - (1 - score) * (1 - body)
        methods.append("body")
    elif evidence.body_matches:
        score = 1 - (1 - score) * (1 - BODY_WEAK_SCORE)
        methods.append("body-weak")
    return score, methods


def embedding_ranks(similarities: np.ndarray) -> dict[str, int]:
    """slot → rank (0 = nearest) of the top slots by similarity."""
    order = np.argsort(-similarities, kind="stable")[: len(EMBEDDING_RANK_SCORES)]
    return {SLOTS[int(i)].key: rank for rank, i in enumerate(order)}


_COORDINATED = re.compile(r"^\W*(?:(?:and|en|et|und|or|ou|oder|&)\W+)?$", re.I)


def heading_heads(heading: str | None, evidence: Mapping[str, KeywordEvidence]) -> set[str]:
    """The clause types a heading is about: the one it names first, and those coordinated with
    it ("Suspension and termination", "Inwerkingtreding, duur en opzegging"), not those in a
    complement ("Verplichtingen van de begeleiders tijdens de overname of doorgeleiding" is
    about escorts, not transit)."""
    if not heading:
        return set()
    lowered = heading.lower()
    places: list[tuple[int, int, str]] = []
    for slot, found in evidence.items():
        spans = []
        for term in found.heading_terms:
            words = term.lower().replace("*", "").split()
            at = lowered.find(words[0]) if words else -1
            if at >= 0:
                end = lowered.find(words[-1], at)
                spans.append((at, (end if end >= 0 else at) + len(words[-1])))
        if spans:
            start, end = min(spans)
            rest = re.match(r"\w*", lowered[end:])  # to the end of a compound's word
            end += rest.end() if rest is not None else 0
            places.append((start, end, slot))
    places.sort()
    heads: set[str] = set()
    previous_end = -1
    for start, end, slot in places:
        if not heads or _COORDINATED.match(lowered[previous_end:start]):
            heads.add(slot)
            previous_end = max(previous_end, end)
        else:
            break
    return heads


def focused_evidence(
    heading: str | None,
    evidence: Mapping[str, KeywordEvidence],
    time_limit_slots: frozenset[str],
) -> dict[str, KeywordEvidence]:
    """The keyword evidence that may decide a clause type on its own:
    - a heading names the clause types of its head noun phrase (`heading_heads`): the others it
      mentions count as body words;
    - a time-limit clause type needs a time limit of that purpose in the article: a heading
      such as "Indiening van het verzoek" without a period is the request, not its deadline.
    """
    heads = heading_heads(heading, evidence)
    focused: dict[str, KeywordEvidence] = {}
    for slot, found in evidence.items():
        keep_heading = slot in heads and (
            slot not in TIME_LIMIT_SLOTS.values() or slot in time_limit_slots
        )
        if found.heading_terms and not keep_heading:
            found = KeywordEvidence(
                slot, (), found.body_terms or found.heading_terms, found.body_matches
            )
        focused[slot] = found
    return focused


# ---- what a paragraph opens with ------------------------------------------------------------
# Old texts have no headings, and a headed article may hold a second clause in a later
# paragraph ("2. The readmission obligation ... does not apply in the event that: ..."). The
# opening sentence of a numbered paragraph (or of a headless article) states what the paragraph
# does, as a heading would: these rules read it for the clause types it can name on its own.
_PARAGRAPH_START = re.compile(r"(?:^|\n)\s*(?:\(?\d+\)?\.?|[a-z]\))?\s*")
_LEAD_END = re.compile(r"[.:;](?:\s|$)")
_NATIONALS = r"onderdanen|nationals|ressortissants|staatsangehörige\w*|staatsburgers"
_THIRD_STATES = re.compile(
    r"derde|third|tiers|dritt|staatlozen|stateless|apatrides|staatenlose|vreemdeling|alien", re.I
)
LEAD_RULES: dict[str, re.Pattern[str]] = {
    # a Party takes back its nationals: "De Nederlandse Regering zal ... de Nederlandse
    # onderdanen ... terugnemen", "Each Party shall readmit ... its nationals"
    "own-nationals": re.compile(
        rf"(?:{_NATIONALS}).{{0,200}}(?:terugnemen|terugneemt|overnemen|neemt\b.{{0,80}}\bover\b|"
        r"readmit|take back|reprend|réadmet|übernimmt|zurücknehmen|zurückübernimmt)|"
        r"(?:terugnemen|terugneemt|readmit|take back|reprend|réadmet|übernimmt)\b.{0,120}"
        rf"(?:{_NATIONALS})",
        re.I | re.S,
    ),
    # the obligation is lifted: "The readmission obligation ... does not apply", "De
    # verplichting tot overname bestaat niet", "L'obligation ... ne s'applique pas"
    "exceptions": re.compile(
        r"(?:obligation|verplichting|verpflichtung)\b(?:.{0,120}(?:does not apply|shall not apply|"
        r"not be applicable|bestaat niet|geldt niet|ne s'applique pas|besteht nicht)|"
        # "vervalt"/"entfällt" right after it: "het visum ... vervalt" is a visa expiring
        r"(?:\s+\w+){0,3}\s+(?:vervalt|entfällt))",
        re.I | re.S,
    ),
}


def paragraph_leads(text: str) -> list[str]:
    """The opening sentence of each paragraph of `text` (up to its first full stop, colon or
    semicolon)."""
    leads = []
    for paragraph in re.split(r"\n(?=\s*(?:\(?\d+\)?\.?\s|[a-z]\)\s))|\n\n", text):
        body = _PARAGRAPH_START.sub("", paragraph, count=1)
        end = _LEAD_END.search(body)
        lead = body[: end.start()] if end is not None else body
        if lead.strip():
            leads.append(lead)
    return leads


def lead_slots(text: str) -> frozenset[str]:
    """The clause types a paragraph's opening sentence names on its own (`LEAD_RULES`); for
    own nationals, not when the sentence speaks of third-country nationals or stateless
    persons."""
    found = set()
    for lead in paragraph_leads(text):
        for slot, rule in LEAD_RULES.items():
            if rule.search(lead) and not (slot == "own-nationals" and _THIRD_STATES.search(lead)):
                found.add(slot)
    return frozenset(found)


def score_unit(
    doc_id: str,
    unit: UnitRecord,
    evidence: Mapping[str, KeywordEvidence],
    similarities: np.ndarray | None,
    time_limit_slots: frozenset[str] = frozenset(),
    led_slots: frozenset[str] = frozenset(),
) -> list[SlotAssignment]:
    """Every slot the unit fills (confidence ≥ ASSIGN_THRESHOLD), best first; else "other".

    The embedding only confirms: a slot needs a heading, body words at least
    `body_hits_needed` times, or a time limit of its purpose (weak body words plus a near
    embedding are not enough)."""
    if unit.kind in _NOT_CLAUSES:
        return [SlotAssignment(doc_id, unit.eid, OTHER, 1.0, "structure")]
    ranks = embedding_ranks(similarities) if similarities is not None else {}
    evidence = focused_evidence(unit.heading, evidence, time_limit_slots)
    found: list[SlotAssignment] = []
    best_rejected = 0.0
    for slot in SLOTS:
        if slot.key == OTHER:
            continue
        score, methods = keyword_score(evidence.get(slot.key))
        if slot.key in led_slots and "heading" not in methods:
            # a paragraph's opening sentence names it, as a heading would
            score = 1 - (1 - score) * (1 - HEADING_SCORE)
            methods.insert(0, "lead")
        if methods == ["body-weak"] and slot.key not in time_limit_slots:
            best_rejected = max(best_rejected, score)
            continue
        if slot.key in time_limit_slots:
            score = 1 - (1 - score) * (1 - TIME_LIMIT_SCORE)
            methods.append("time-limit")
        rank = ranks.get(slot.key)
        if rank is not None and score > 0:
            score = 1 - (1 - score) * (1 - EMBEDDING_RANK_SCORES[rank])
            methods.append("embedding")
        if not {"heading", "lead", "time-limit"} & set(methods) and rank != 0:
            # Body words alone are wrong more often than right (0.22 on the tuning labels):
            # they need the unit's embedding to be nearest to the slot.
            best_rejected = max(best_rejected, score)
            continue
        if score >= ASSIGN_THRESHOLD:
            found.append(
                SlotAssignment(doc_id, unit.eid, slot.key, round(score, 4), "+".join(methods))
            )
        else:
            best_rejected = max(best_rejected, score)
    if not found:
        return [SlotAssignment(doc_id, unit.eid, OTHER, round(1 - best_rejected, 4), "fallback")]
    return sorted(found, key=lambda a: -a.confidence)


def classify_units(
    doc_id: str,
    units: Sequence[UnitRecord],
    *,
    language: str,
    unit_vectors: Mapping[str, np.ndarray],
    slots: np.ndarray | None,
) -> list[SlotAssignment]:
    """Slot assignments for a document's units (`slots` = slot_matrix(...), None: keywords only)."""
    return _classify_units(
        doc_id, units, language=language, unit_vectors=unit_vectors, slots=slots
    )[0]


def _classify_units(
    doc_id: str,
    units: Sequence[UnitRecord],
    *,
    language: str,
    unit_vectors: Mapping[str, np.ndarray],
    slots: np.ndarray | None,
) -> tuple[list[SlotAssignment], dict[str, tuple[str, str]]]:
    """`classify_units`, and the keyword evidence it found per unit as stored beside the slots
    (eid → (`keyword_source`, `encode_evidence`))."""
    assignments: list[SlotAssignment] = []
    keywords: dict[str, tuple[str, str]] = {}
    for unit in units:
        evidence = keyword_evidence(unit.heading, unit.text, language)
        keywords[unit.eid] = (
            keyword_source(unit.heading, unit.text, language),
            encode_evidence(evidence),
        )
        vector = unit_vectors.get(unit.eid)
        similarities = None if slots is None or vector is None else slots @ vector
        limits = frozenset(
            TIME_LIMIT_SLOTS[limit.purpose]
            for limit in extract_time_limits(unit.text, language=language)
            if limit.purpose in TIME_LIMIT_SLOTS
        )
        if heading_heads(unit.heading, evidence) == {"transit"}:
            # a reply or request within days in a transit procedure is the transit's
            limits -= {TIME_LIMIT_SLOTS["reply"], TIME_LIMIT_SLOTS["request"]}
        leads = lead_slots(unit.text)
        assignments.extend(score_unit(doc_id, unit, evidence, similarities, limits, leads))
    return assignments, keywords


def classify_document(
    collection: Collection, doc_id: str, *, use_embeddings: bool = True
) -> list[SlotAssignment]:
    """Slot assignments of one indexed document, computed from its stored units and vectors."""
    return _classify_document(collection, doc_id, use_embeddings=use_embeddings)[0]


def _classify_document(
    collection: Collection, doc_id: str, *, use_embeddings: bool = True
) -> tuple[list[SlotAssignment], dict[str, tuple[str, str]]]:
    record = collection.get_document(doc_id)
    if record is None:
        return [], {}
    units = collection.list_units(doc_id)
    # The on-disk cache of slot vectors lives in an index folder; a server index has none.
    cache_dir = collection.cache_folder
    slots = slot_matrix(collection.embedder, cache_dir=cache_dir) if use_embeddings else None
    vectors = collection.unit_vectors(doc_id) if use_embeddings else {}
    return _classify_units(
        doc_id, units, language=record.language, unit_vectors=vectors, slots=slots
    )


def refresh_slots(
    collection: Collection, doc_ids: Iterable[str] | None = None, *, missing_only: bool = False
) -> int:
    """Recompute and store the slots of `doc_ids` (default: every document), with the keyword
    evidence they rest on; returns how many documents were classified. `missing_only` skips
    documents that already have both (an index written before the keyword evidence was stored
    gets it here, at its next ingest)."""
    targets = (
        list(doc_ids) if doc_ids is not None else [d.doc_id for d in collection.list_documents()]
    )
    if missing_only:
        done = collection.slot_documents() & collection.keyword_documents()
        targets = [doc_id for doc_id in targets if doc_id not in done]
    for doc_id in targets:
        assignments, keywords = _classify_document(collection, doc_id)
        collection.replace_slots(doc_id, assignments, keywords=keywords)
    return len(targets)


def refresh_slots_after_ingest(collection: Collection, indexed_doc_ids: Iterable[str]) -> int:
    """Recompute the slots an ingest made stale; returns how many documents were classified.

    Normally those of the re-indexed documents and of any document still without slots. When
    the taxonomy differs from the one recorded with the stored slots, every document's slots
    are recomputed: from the stored unit vectors, so nothing is embedded again. The rule files
    followed are then recorded (`IndexStatus.slots_stale` compares them with the files on disk).
    """
    followed = taxonomy_fingerprint(loaded=True)
    if collection.recorded_taxonomy() != followed:
        count = refresh_slots(collection)
    else:
        count = refresh_slots(collection, list(indexed_doc_ids))
        count += refresh_slots(collection, missing_only=True)
    collection.record_rules(taxonomy_sha256=followed, glossary_sha256=glossary_fingerprint())
    return count


# ---- the keyword evidence kept beside the slots ------------------------------------------
# The gap check asks the keyword rules about precedent articles and about draft clauses taken
# from them. The rules need spaCy (seconds to load), so the evidence found at ingest is kept
# with the slots, under a sha256 of everything it depends on: a text, heading, language or rule
# file that differs from the one matched is matched again (spaCy loaded only then).


def keyword_source(heading: str | None, text: str, language: str) -> str:
    """sha256 of what a text's keyword evidence depends on: the rules this process follows,
    the language, the heading and the text."""
    source = json.dumps([taxonomy_fingerprint(loaded=True), language, heading or "", text])
    return hashlib.sha256(source.encode()).hexdigest()


def encode_evidence(evidence: Mapping[str, KeywordEvidence]) -> str:
    """JSON of keyword evidence: slot → [heading terms, body terms, body matches]."""
    return json.dumps(
        {
            slot: [list(found.heading_terms), list(found.body_terms), found.body_matches]
            for slot, found in evidence.items()
        },
        sort_keys=True,
    )


def decode_evidence(text: str) -> dict[str, KeywordEvidence]:
    """`encode_evidence`'s input again (slots in sorted order, as `keyword_evidence` gives)."""
    raw = json.loads(text)
    return {
        slot: KeywordEvidence(slot, tuple(heading), tuple(body), int(matches))
        for slot, (heading, body, matches) in sorted(raw.items())
    }


class KeywordLookup:
    """Keyword evidence of texts of one index's view: the evidence stored with the slots when
    the text is a unit's own (same heading, text, language and rules), else found now by the
    keyword rules — an edited or own clause, an index written before the evidence was kept."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection
        self._stored: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}

    def evidence(
        self,
        *,
        heading: str | None,
        text: str,
        language: str,
        source: tuple[str, str] | None = None,
    ) -> dict[str, KeywordEvidence]:
        """The keyword evidence in `heading` and `text`; `source`: the (doc_id, eid) of the unit
        the text may be the unchanged copy of."""
        if source is not None:
            rows = self._stored.get(source[0])
            if rows is None:
                rows = self._stored[source[0]] = self._collection.keyword_rows(doc_id=source[0])
            row = rows.get(source)
            if row is not None and row[0] == keyword_source(heading, text, language):
                return decode_evidence(row[1])
        return keyword_evidence(heading, text, language)


# ---- how far an assignment can be trusted -------------------------------------------------
# The probability that an assignment is right is a logistic model of the kinds of evidence it
# rests on (index/slot_calibration.py, fitted on the tune labels by
# scripts/calibrate_clause_types.py). One definition of "confident" for the matrix, the slot
# listings, the gap check, "more like this", the review and the CLI/app marks:
CONFIDENT_AT = 0.95  # at least this likely right: shown plain, used as a fact
DOUBTFUL_BELOW = 0.5  # less likely right than wrong: shown with "?"
CERTAINTIES = ("confident", "probable", "doubtful")  # probable: shown with "~"
CALIBRATION_FEATURES = ("confirmed-heading", "body", "time-limit", "embedding")


def calibration_features(assignment: SlotAssignment) -> tuple[float, ...]:
    """The evidence kinds of `assignment` as 0/1 features, in CALIBRATION_FEATURES order: a
    heading confirmed by body words or a time limit of its purpose; the body's words at least
    `body_hits_needed` times; a time limit of its purpose; the embedding among the nearest."""
    methods = set(assignment.method.split("+"))
    # a paragraph's opening sentence ("lead") counts as a heading of that paragraph
    named = bool(methods & {"heading", "lead"})
    confirmed = named and bool(methods & {"body", "body-weak", "time-limit"})
    return (
        float(confirmed),
        float("body" in methods),
        float("time-limit" in methods),
        float("embedding" in methods),
    )


def probability_right(assignment: SlotAssignment) -> float:
    """The calibrated chance that `assignment` is right (0 for "other" and for assignments
    below ASSIGN_THRESHOLD, which are not shown as a clause type)."""
    if assignment.slot == OTHER or assignment.confidence < ASSIGN_THRESHOLD:
        return 0.0
    z = INTERCEPT + sum(
        WEIGHTS[name] * value
        for name, value in zip(CALIBRATION_FEATURES, calibration_features(assignment), strict=True)
    )
    return float(1.0 / (1.0 + np.exp(-z)))


def certainty(assignment: SlotAssignment) -> str:
    """ "confident" (right at least CONFIDENT_AT of the time), "doubtful" (less likely right
    than wrong: "?") or, between the two, "probable" ("~")."""
    p = probability_right(assignment)
    if p >= CONFIDENT_AT:
        return "confident"
    return "doubtful" if p < DOUBTFUL_BELOW else "probable"


def is_confident(assignment: SlotAssignment) -> bool:
    """Right at least CONFIDENT_AT of the time: what the gap check, "more like this", the
    review and draft-section suggestions take as the article's clause type."""
    return certainty(assignment) == "confident"


def is_uncertain(assignment: SlotAssignment) -> bool:
    """Not confident (shown with "~" or "?")."""
    return not is_confident(assignment)


def is_doubtful(assignment: SlotAssignment) -> bool:
    """Likely wrong: shown with "?"."""
    return certainty(assignment) == "doubtful"


def is_likely_right(assignment: SlotAssignment) -> bool:
    """A clause type (not "other") without "?": more likely right than wrong. What a ranking
    may prefer ("more like this" puts results of the article's clause types first); facts
    (the gap check, section suggestions, the review) need `is_confident`."""
    return (
        assignment.slot != OTHER
        and certainty(assignment) != "doubtful"
        and (assignment.confidence >= ASSIGN_THRESHOLD)
    )


CERTAINTY_MARKS = {"confident": "", "probable": "~", "doubtful": "?"}


def certainty_mark(assignment: SlotAssignment) -> str:
    """ "" (confident), "~" (probably right, not confirmed) or "?" (likely wrong)."""
    return CERTAINTY_MARKS[certainty(assignment)]
