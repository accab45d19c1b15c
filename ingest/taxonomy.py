"""The clause types ("slots") of a readmission agreement, with multilingual cue words.

The data lives in `taxonomy.toml` next to this module (shipped as package data; the env
variable READMIT_TAXONOMY points at another copy); this module loads and validates it.
A slot is what an expert asks about across treaties ("the time limit for replying", "refusal of
transit"). Each slot carries:
- `description`: one English sentence, embedded to compare articles with the slot;
- `wording`: a typical phrase per language (en, nl, fr, de) as the treaties word it, embedded
  too so that the slot vector is multilingual;
- `heading_terms` / `body_terms`: keyword phrases per language for `ingest.slot_patterns`.

Keyword syntax (one phrase = space-separated tokens, compared lower-cased):
- `word` matches that token exactly; `word*` matches any token starting with `word` (Dutch and
  German compounds: `overnameverzoek*`); `*word` any token ending with it (`*frist`).
- heading terms are looked for in the article heading (strong evidence: the heading names the
  clause), body terms in the text (weaker: an article may mention a matter in passing).
All terms were collected from the corpus headings and texts (grep) and from the standard
EU/Benelux model agreement wording.

The file is read on first use (`SLOTS`, `load_taxonomy`). A missing or malformed file raises
`RulesFileError` naming the file and the bad entry. `taxonomy_fingerprint` is recorded in the
index so that slot assignments computed with older rules are known to be stale.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.rules_file import RulesFileError, fingerprint, read_rules_file, string_map, string_tuple

LANGUAGES = ("en", "nl", "fr", "de")
OTHER = "other"
TAXONOMY_FILE = Path(__file__).with_name("taxonomy.toml")
TAXONOMY_ENV = "READMIT_TAXONOMY"


@dataclass(frozen=True)
class Slot:
    """One clause type of the readmission taxonomy."""

    key: str
    title: str
    description: str
    wording: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    heading_terms: dict[str, tuple[str, ...]] = field(
        default_factory=dict, hash=False, compare=False
    )
    body_terms: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    # Time-limit slots and others whose body cue needs two hits to count (a single mention of
    # "costs" or "within 3 days" inside an unrelated article is common).
    body_hits_needed: int = 1


SLOTS: tuple[Slot, ...]  # every slot in taxonomy order ("other" last); loaded on first use


def __getattr__(name: str) -> object:
    # PEP 562: `SLOTS` is read from the data file when first asked for, not at import time.
    if name == "SLOTS":
        return load_taxonomy(taxonomy_file())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def taxonomy_file() -> Path:
    """The taxonomy in effect: $READMIT_TAXONOMY if set, else the shipped `taxonomy.toml`."""
    configured = os.environ.get(TAXONOMY_ENV)
    return Path(configured) if configured else TAXONOMY_FILE


# Bumped when the way clause types are decided from the taxonomy changes (index/slots.py), so
# that indexes built before say their slots are stale and the next ingest recomputes them from
# the stored vectors. 2: a heading names its head clause types, body words need the nearest
# embedding, "?" from the evidence. 3: time-limit purposes read from what the period governs
# in more forms (relative clauses, "op te zeggen", "voor" = for, replies to an earlier transit
# request), which changes the time-limit evidence.
SLOT_RULES_VERSION = "3"


def taxonomy_fingerprint(*, loaded: bool = False) -> str:
    """sha256 of the taxonomy file in effect (as it is on disk now, or, `loaded`, as it was when
    this process loaded it) and of `SLOT_RULES_VERSION`: the rules the slots really follow."""
    file_sha = _load(taxonomy_file())[1] if loaded else fingerprint([taxonomy_file()])
    return hashlib.sha256(f"{file_sha}\x1f{SLOT_RULES_VERSION}".encode()).hexdigest()


def load_taxonomy(path: Path) -> tuple[Slot, ...]:
    """The slots of a taxonomy file, validated (`RulesFileError` names the file and entry)."""
    return _load(path)[0]


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[tuple[Slot, ...], str]:
    sha256 = fingerprint([path])
    raw = read_rules_file(path).get("slot")
    if not isinstance(raw, list) or not raw:
        raise RulesFileError(path, "expected a non-empty list of [[slot]] tables")
    slots = tuple(_parse_slot(path, number, entry) for number, entry in enumerate(raw, start=1))
    keys = [slot.key for slot in slots]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RulesFileError(path, f"duplicate slot key(s): {', '.join(duplicates)}")
    if keys[-1] != OTHER:
        raise RulesFileError(path, f"the last slot must be {OTHER!r}, found {keys[-1]!r}")
    return slots, sha256


_SLOT_FIELDS = {"key", "title", "description", "body_hits_needed", "wording", "heading", "body"}


def _parse_slot(path: Path, number: int, entry: Any) -> Slot:
    if not isinstance(entry, dict):
        raise RulesFileError(path, f"slot #{number} is not a table")
    key = entry.get("key")
    where = f"slot #{number} ({key!r})"
    if not isinstance(key, str) or not key:
        raise RulesFileError(path, f"slot #{number} has no key")
    unknown = sorted(set(entry) - _SLOT_FIELDS)
    if unknown:
        raise RulesFileError(path, f"{where} has unknown field(s): {', '.join(unknown)}")
    for name in ("title", "description"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise RulesFileError(path, f"{where} needs a non-empty {name}")
    hits = entry.get("body_hits_needed", 1)
    if not isinstance(hits, int) or isinstance(hits, bool) or hits < 1:
        raise RulesFileError(path, f"{where}: body_hits_needed must be a whole number >= 1")
    terms: dict[str, dict[str, tuple[str, ...]]] = {}
    for place in ("heading", "body"):
        table = entry.get(place, {})
        if not isinstance(table, dict):
            raise RulesFileError(path, f"{where}: {place} must be a table of languages")
        terms[place] = {
            language: string_tuple(path, f"{where}, {place}.{language}", phrases)
            for language, phrases in table.items()
        }
    wording = string_map(path, f"{where}, wording", entry.get("wording", {}))
    for language in (*wording, *terms["heading"], *terms["body"]):
        if language not in LANGUAGES:
            raise RulesFileError(
                path, f"{where}: unknown language {language!r}; expected one of {LANGUAGES}"
            )
    return Slot(
        key=key,
        title=entry["title"],
        description=entry["description"],
        wording=wording,
        heading_terms=terms["heading"],
        body_terms=terms["body"],
        body_hits_needed=hits,
    )


def _by_key() -> dict[str, Slot]:
    return _index_by_key(taxonomy_file())


@lru_cache(maxsize=4)
def _index_by_key(path: Path) -> dict[str, Slot]:
    return {slot.key: slot for slot in load_taxonomy(path)}


class UnknownSlotError(ValueError):
    """A slot key that is not part of the taxonomy."""

    def __init__(self, key: str) -> None:
        super().__init__(f"unknown slot {key!r}; expected one of: {', '.join(_by_key())}")
        self.key = key


def slot_keys() -> tuple[str, ...]:
    """Every slot key in taxonomy order ("other" last)."""
    return tuple(_by_key())


def get_slot(key: str) -> Slot:
    try:
        return _by_key()[key]
    except KeyError:
        raise UnknownSlotError(key) from None


def slot_text_variants(slot: Slot) -> tuple[str, ...]:
    """The texts whose embeddings average to the slot vector: title + description, then the
    typical wording in each language (so that Dutch articles are near Dutch wording)."""
    return (
        f"{slot.title}. {slot.description}",
        *(slot.wording[lang] for lang in LANGUAGES if lang in slot.wording),
    )


# Clause type → the section of the model-agreement skeleton (readmit.drafting.skeleton) its
# articles go into: one table for the gap check and for suggesting a draft section.
SECTION_OF_CLAUSE_TYPE: dict[str, str] = {
    "definitions": "definitions",
    "own-nationals": "own-nationals",
    "third-country-nationals": "third-country-nationals",
    "exceptions": "third-country-nationals",
    "family-members": "own-nationals",
    "readmission-application": "readmission-application",
    "proof-of-nationality": "evidence",
    "evidence-third-country": "evidence",
    "consular-interview": "evidence",
    "time-limit-request": "time-limits",
    "time-limit-reply": "time-limits",
    "time-limit-transfer": "time-limits",
    "transfer-modalities": "transfer",
    "escort": "transfer",
    "travel-documents": "transfer",
    "accelerated-procedure": "readmission-application",
    "competent-authorities": "implementing-protocols",
    "language": "implementing-protocols",
    "readmission-in-error": "readmission-in-error",
    "transit": "transit",
    "costs": "costs",
    "data-protection": "data-protection",
    "non-affection": "non-affection",
    "implementing-protocol": "implementing-protocols",
    "joint-committee": "joint-committee",
    "disputes": "disputes",
    "entry-into-force": "final-provisions",
    "suspension": "final-provisions",
    "termination": "final-provisions",
    "territorial-application": "final-provisions",
}
