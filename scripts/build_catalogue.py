"""Write one catalogue sidecar, `corpus/<doc_id>.meta.json`, per document in corpus/manifest.json
and corpus/manifest-additions.json (the policy guides, regulations and further agreements added
later, whose manifest has its own shape: a `kind`, a free-text `date`, `line_ranges`).

Run once from the repository root (`python scripts/build_catalogue.py`) and commit the output;
the sidecars are data, this script only documents how they were derived from the manifest.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ingest.types import document_kind  # noqa: E402

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"

LANGUAGE_NAMES = {"en": "English", "nl": "Dutch", "fr": "French", "de": "German"}

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}

# "2 March 2015" anywhere in the manifest's free-text "signed" field.
DATE_PATTERN = re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\b")
# "Brussels, 2 March 2015": a place before the first comma, then a date.
PLACE_DATE_PATTERN = re.compile(r"^\s*([A-Z][^,\d;()]*?),\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}")

BENELUX_STATES = ("Belgium", "Luxembourg", "Netherlands")
# Member-state codes as the additions manifest lists them ("the 12 EC Member States (BE, DK …)").
STATE_CODES = {
    "BE": "Belgium",
    "DK": "Denmark",
    "DE": "Germany",
    "GR": "Greece",
    "ES": "Spain",
    "FR": "France",
    "IE": "Ireland",
    "IT": "Italy",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "PT": "Portugal",
    "UK": "United Kingdom",
}
ADDITIONS_MANIFEST = "manifest-additions.json"
# The attribution the additions' SOURCES.md recommends (law and treaty database, not only treaties).
ADDITIONS_ATTRIBUTION = (
    "Source: wetten.overheid.nl (Dutch law and treaty database), via "
    "github.com/statengeneraal/laws-markdown"
)

# The manifest's "title_en" of a language twin reads "Same agreement, Dutch text"; a few
# English titles also carry the language note or the original title in brackets. Such
# titles do not identify the agreement in a result list, so these are spelled out here.
TITLE_OVERRIDES = {
    "multilateral-transit-yugoslav-nationals-2000-de": (
        "Agreement on permitting the transit of Yugoslav nationals obliged to leave, "
        "with declaration (German text)"
    ),
    "multilateral-transit-yugoslav-nationals-2000-nl": (
        "Agreement on permitting the transit of Yugoslav nationals obliged to leave, "
        "with declaration (Dutch translation)"
    ),
    "benelux-albania-implementing-protocol-2005-nl": (
        "Implementing Protocol (Benelux–Albania) to the Agreement between the European "
        "Community and the Republic of Albania on the readmission of persons residing without "
        "authorisation (Dutch text)"
    ),
    "schengen-states-poland-readmission-1991-nl": (
        "Agreement between the Schengen States and Poland on the readmission of persons in an "
        "irregular situation, with joint declarations (Dutch text)"
    ),
}

# Trailing language notes in title_en, removed before a twin's title is reused.
LANGUAGE_NOTE = re.compile(
    r"\s*(\((authentic )?(English|Dutch|French|German) text\)|,\s*(English|Dutch|French|German) "
    r"(text|translation))\s*$",
    re.IGNORECASE,
)


def parse_signed(signed: str) -> tuple[str | None, str | None]:
    """Return (place, ISO date) from e.g. "Brussels, 2 March 2015"; None where not parseable."""
    without_notes = re.sub(r"\([^)]*\)", "", signed)
    iso_date: str | None = None
    match = DATE_PATTERN.search(without_notes)
    if match and match.group(2).lower() in MONTHS:
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
        iso_date = date(year, month, day).isoformat()
    place_match = PLACE_DATE_PATTERN.match(without_notes)
    place = place_match.group(1).strip() if place_match else None
    if place and place.lower().startswith(("adopted", "opened")):
        place = None
    return place, iso_date


def parse_parties(parties: str) -> list[str]:
    """Split "Belgium, Luxembourg, Netherlands (jointly as Benelux) / Kazakhstan" into states.

    Multilateral instruments ("Multilateral (UN)") have no state list in the manifest.
    """
    if parties.lower().startswith("multilateral"):
        return []
    text = parties.split(";")[0]
    text = re.sub(r"\([^)]*\)", "", text)
    names: list[str] = []
    for side in text.split("/"):
        for raw_name in side.split(","):
            name = raw_name.strip()
            if not name:
                continue
            # Benelux acts jointly but its members are the parties.
            members = BENELUX_STATES if name.lower() == "benelux" else (name,)
            names.extend(member for member in members if member not in names)
    return names


def instrument_type(entry: dict[str, Any], doc_id: str) -> str:
    category = entry["category"]
    if "-implementing-protocol-" in doc_id or category == "implementing-protocol-to-EU-agreement":
        return "implementing protocol"
    if category == "transit-agreement" or doc_id.startswith("schengen-"):
        return "multilateral convention"
    if category == "readmission-agreement":
        return "bilateral agreement"  # Benelux–X: the Benelux States act as one party
    if doc_id.startswith("iom-constitution"):
        return "constitution"
    if doc_id.startswith("un-") and "-protocol-" in doc_id:
        return "protocol"
    return "multilateral convention"


def twin_base(doc_id: str) -> str:
    return re.sub(r"-[a-z]{2}$", "", doc_id)


def clean_title(
    doc_id: str, entry: dict[str, Any], by_base: dict[str, list[dict[str, Any]]]
) -> str:
    if doc_id in TITLE_OVERRIDES:
        return TITLE_OVERRIDES[doc_id]
    title_en: str = entry["title_en"]
    if not title_en.lower().startswith("same "):
        return title_en
    twins = [
        other
        for other in by_base[twin_base(doc_id)]
        if other is not entry and not other["title_en"].lower().startswith("same ")
    ]
    if not twins:
        return str(entry["title_original"])
    base_title = LANGUAGE_NOTE.sub("", twins[0]["title_en"]).strip()
    # "(Implementing protocol)" repeats what the title already says; drop it before the note.
    base_title = re.sub(r"\s*\(Implementing protocol\)$", "", base_title)
    kind = "translation" if "translation" in title_en.lower() else "text"
    return f"{base_title} ({LANGUAGE_NAMES.get(entry['language'], entry['language'])} {kind})"


def read_attribution(sources_md: str) -> str | None:
    match = re.search(r"Recommended attribution:\s*[“\"](.+?)[”\"]", sources_md, re.DOTALL)
    return re.sub(r"\s+", " ", match.group(1)) if match else None


def document_file(doc_id: str, listed_file: str) -> str:
    """The shipped file: scripts/render_pdfs.py replaces some texts by PDFs of the same stem."""
    pdf_name = f"{doc_id}.pdf"
    return pdf_name if (CORPUS_DIR / pdf_name).exists() else listed_file


def build_sidecar(
    entry: dict[str, Any], by_base: dict[str, list[dict[str, Any]]], attribution: str | None
) -> dict[str, Any]:
    doc_id = Path(entry["file"]).stem
    parties_text = entry["parties"]
    if parties_text.strip().lower() == "as above":
        parties_text = next(
            other["parties"]
            for other in by_base[twin_base(doc_id)]
            if other["parties"].strip().lower() != "as above"
        )
    place, iso_date = parse_signed(entry["signed"])
    year_match = re.search(r"-(\d{4})-", doc_id)
    year = int(iso_date[:4]) if iso_date else (int(year_match.group(1)) if year_match else None)
    source = entry["source"]
    return {
        "doc_id": doc_id,
        "file": document_file(doc_id, entry["file"]),
        "title": clean_title(doc_id, entry, by_base),
        "original_title": entry["title_original"],
        "parties": parse_parties(parties_text),
        "place_signed": place,
        "date_signed": iso_date,
        "signed": entry["signed"],
        "year": year,
        "instrument_type": instrument_type(entry, doc_id),
        "kind": document_kind(instrument_type(entry, doc_id)),
        "language": entry["language"],
        "official_reference": entry["official_reference"],
        "source_url": source.get("url"),
        "source": {
            "repository": source.get("repository"),
            "path": source.get("path"),
            "commit": source.get("file_commit"),
            "file_version_date": source.get("file_version_date"),
            "line_range": source.get("line_range"),
        },
        "licence": entry["reuse"],
        "attribution": attribution,
        "completeness": entry["completeness"],
        "notes": entry["notes"],
    }


def addition_instrument_type(entry: dict[str, Any], parties: list[str]) -> str:
    """ "policy guide (beleidsregels)" → policy guide; "regulation (…)" → regulation; an agreement
    between two states → bilateral agreement; any other agreement → multilateral convention."""
    kind = str(entry["kind"]).lower()
    if kind.startswith("policy guide"):
        return "policy guide"
    if kind.startswith("regulation"):
        return "regulation"
    return "bilateral agreement" if len(parties) == 2 else "multilateral convention"


def parse_addition_parties(parties: str | None) -> list[str]:
    if not parties:
        return []
    codes = re.search(r"\(([A-Z]{2}(?:,\s*[A-Z]{2})+)\)", parties)
    if codes:
        return [STATE_CODES.get(code.strip(), code.strip()) for code in codes.group(1).split(",")]
    return parse_parties(parties)


def addition_title(entry: dict[str, Any]) -> str:
    """The English title without its trailing explanation in brackets (kept in `notes`)."""
    title = str(entry["title_en"]).strip()
    shorter = re.sub(r"\s*\((?:[^()]|\([^()]*\))*\)$", "", title)
    return shorter if len(shorter) >= 30 else title


def build_addition_sidecar(entry: dict[str, Any], attribution: str | None) -> dict[str, Any]:
    doc_id = Path(entry["file"]).stem
    parties = parse_addition_parties(entry.get("parties"))
    place, iso_date = parse_signed(str(entry.get("date") or ""))
    year_match = re.search(r"-(\d{4})-", doc_id + "-")
    year = int(iso_date[:4]) if iso_date else (int(year_match.group(1)) if year_match else None)
    source = entry["source"]
    kind_of_text = addition_instrument_type(entry, parties)
    return {
        "doc_id": doc_id,
        "file": document_file(doc_id, entry["file"]),
        "title": addition_title(entry),
        "original_title": entry["title_original"],
        "parties": parties,
        "place_signed": place,
        "date_signed": iso_date,
        "signed": entry.get("date"),
        "year": year,
        "instrument_type": kind_of_text,
        "kind": document_kind(kind_of_text),
        "language": entry["language"],
        "official_reference": entry["official_reference"],
        "source_url": source.get("url"),
        "source": {
            "repository": source.get("repository"),
            "path": source.get("path"),
            "commit": source.get("file_commit"),
            "file_version_date": source.get("file_version_date"),
            "line_ranges": source.get("line_ranges"),
        },
        "licence": entry["reuse"],
        "attribution": attribution,
        "completeness": entry["completeness"],
        "notes": f"{entry['title_en']}. {entry['relevance']}",
    }


def write_sidecar(sidecar: dict[str, Any]) -> None:
    out_path = CORPUS_DIR / f"{sidecar['doc_id']}.meta.json"
    out_path.write_text(json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{sidecar['doc_id']}: {sidecar['instrument_type']} | {sidecar['title'][:90]}")


def main() -> int:
    manifest: list[dict[str, Any]] = json.loads((CORPUS_DIR / "manifest.json").read_text("utf-8"))
    attribution = read_attribution((CORPUS_DIR / "SOURCES.md").read_text("utf-8"))
    by_base: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest:
        by_base.setdefault(twin_base(Path(entry["file"]).stem), []).append(entry)
    for entry in manifest:
        write_sidecar(build_sidecar(entry, by_base, attribution))
    additions_path = CORPUS_DIR / ADDITIONS_MANIFEST
    if additions_path.exists():
        additions: list[dict[str, Any]] = json.loads(additions_path.read_text("utf-8"))
        for entry in additions:
            write_sidecar(build_addition_sidecar(entry, ADDITIONS_ATTRIBUTION))
    return 0


if __name__ == "__main__":
    sys.exit(main())
