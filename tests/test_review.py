"""`readmit review` and `readmit redline`: our own proposal (a changed reply period, a dropped
data-protection article, an added escort article) against our own model, indexed beside two
real agreements as precedents (hashing fake embedder; the slow tests use LibreOffice)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from readmit.cli import main
from readmit.drafting import DraftingService, DraftStore
from readmit.review import ReviewTarget, review_proposal
from readmit.review.memo_docx import SUMMARY_COLUMNS
from readmit.review.redline import accepted_text, blocks, rejected_text
from readmit.service import KnowledgeBase
from tests.harness.corpus import copy_documents
from tests.harness.models import hashing_index
from tests.harness.word_files import (
    DATA,
    MODEL_TEXT,
    PROPOSAL_TEXT,
    convert_with_libreoffice,
    model_draft,
    text_as_docx,
    tracked_change_texts,
)

PRECEDENTS = [
    "benelux-kazakhstan-readmission-agreement-2015-en",
    "benelux-armenia-readmission-2009-nl",
]
MODEL = "model-arcadia-en"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("review")
    corpus = copy_documents(root / "corpus", PRECEDENTS)
    (corpus / f"{MODEL}.txt").write_text(MODEL_TEXT, encoding="utf-8")
    path = str(hashing_index(root / "index"))
    result = run("--index", path, "ingest", str(corpus))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def proposal_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return text_as_docx(PROPOSAL_TEXT, tmp_path_factory.mktemp("proposal") / "borduria.docx")


def review_json(index: str, proposal: Path, against: str, *extra: str) -> dict[str, object]:
    result = run("--index", index, "review", str(proposal), "--against", against, *extra,
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def assert_reports_the_three_changes(payload: dict[str, object]) -> None:
    articles = {a["proposal_eid"]: a for a in payload["articles"]}  # type: ignore[attr-defined]
    assert set(articles["art_5"]) >= {"proposal_eid", "against_eid", "clause_types", "time_limits"}
    assert articles["art_5"]["against_eid"] == "art_5"
    assert "time-limit-reply" in articles["art_5"]["clause_types"]
    reply = next(t for t in articles["art_5"]["time_limits"] if t["purpose"] == "reply")
    assert reply["proposal"] == "60 calendar days" and reply["against"] == "21 calendar days"
    assert reply["differs"] is True
    # the precedents: Kazakhstan (21 calendar days) and Armenia (nl) reply limits, all shorter
    assert reply["precedents"]["count"] >= 2
    assert reply["precedents"]["longer"] == 0
    assert reply["precedents"]["shorter"] == reply["precedents"]["count"]
    assert "reply limits in the precedents, 0 are longer" in reply["precedents"]["summary"]
    transfer = next(t for t in articles["art_5"]["time_limits"] if t["purpose"] == "transfer")
    assert transfer["differs"] is False
    # the escort article is new; the data-protection article is gone
    assert articles["art_8"]["against_eid"] is None
    assert payload["missing"] == [
        {
            "clause_type": "data-protection",
            "title": "Data protection",
            "against_eid": "art_8",
            "against_label": "Article 8",
        }
    ]
    (extra,) = payload["extra"]  # type: ignore[misc]
    assert extra["proposal_eid"] == "art_8" and "escort" in extra["clause_types"]
    assert [(n["doc_id"], n["eid"]) for n in extra["nearest"]] == [
        (PRECEDENTS[0], "protocol__art_8")
    ]
    assert extra["nearest"][0]["citation"].startswith("Protocol, Article 8")
    # unchanged articles are aligned with their counterparts and show no change
    for eid in ("art_1", "art_2", "art_4", "art_7", "art_9"):
        assert articles[eid]["against_eid"] == eid and articles[eid]["changed"] is False


def test_review_json_of_a_python_docx_proposal(index: str, proposal_docx: Path) -> None:
    payload = review_json(index, proposal_docx, MODEL)
    assert_reports_the_three_changes(payload)
    articles = {a["proposal_eid"]: a for a in payload["articles"]}  # type: ignore[attr-defined]
    validity = articles["art_6"]["time_limits"][0]
    assert (validity["purpose"], validity["proposal"], validity["against"]) == (
        "validity",
        "90 days",
        "30 days",
    )
    diff = articles["art_3"]["diff"]
    assert ["delete", "visa or "] in diff
    assert payload["notes"] == []


def test_review_against_a_draft(index: str, tmp_path: Path) -> None:
    """TARGET may be a draft: our model's articles added to a draft by hand."""
    drafts = tmp_path / "drafts"
    draft_id = model_draft(drafts)
    payload = review_json(
        index, DATA / "proposal-borduria-en.txt", draft_id, "--drafts", str(drafts)
    )
    assert payload["against"] == {"kind": "draft", "id": draft_id, "title": "Arcadia model"}
    articles = {a["proposal_eid"]: a for a in payload["articles"]}  # type: ignore[attr-defined]
    reply = next(t for t in articles["art_5"]["time_limits"] if t["purpose"] == "reply")
    assert (reply["proposal"], reply["against"]) == ("60 calendar days", "21 calendar days")
    assert [m["clause_type"] for m in payload["missing"]] == ["data-protection"]  # type: ignore[union-attr]
    assert [e["proposal_eid"] for e in payload["extra"]] == ["art_8"]  # type: ignore[union-attr]


def test_merged_articles_align_with_both(index: str, tmp_path: Path) -> None:
    """A proposal article that merges two of ours (time limits and travel documents) matches
    both; one with no counterpart and no precedent says so."""
    merged = PROPOSAL_TEXT.replace("Article 6\nTravel documents\n\n", "")
    merged = merged.replace("Article 7\nCosts", "Article 6\nCosts").replace(
        "Article 8\nEscort", "Article 7\nEscort"
    )
    merged += (
        "\nArticle 10\nZebra stripes\n\nThe Parties shall paint the doors of their ministries "
        "with purple zebra stripes every spring.\n"
    )
    path = tmp_path / "merged-en.txt"
    path.write_text(merged, encoding="utf-8")
    payload = review_json(index, path, MODEL)
    articles = {a["proposal_eid"]: a for a in payload["articles"]}  # type: ignore[attr-defined]
    assert articles["art_5"]["against_eids"] == ["art_5", "art_6"]
    zebra = next(e for e in payload["extra"] if e["heading"] == "Zebra stripes")  # type: ignore[union-attr]
    assert zebra["nearest"] == [] and zebra["no_precedent"] is True
    text = run("--index", index, "review", str(path), "--against", MODEL).stdout
    assert "no precedent found" in text


def test_proposal_without_articles_is_one_unit(index: str, tmp_path: Path) -> None:
    path = tmp_path / "letter-en.txt"
    path.write_text(
        "Dear colleagues,\n\nWe propose that the requested Party replies to a readmission "
        "application within 45 calendar days.\n\nKind regards\n",
        encoding="utf-8",
    )
    payload = review_json(index, path, MODEL)
    (unit,) = payload["articles"]  # type: ignore[misc]
    assert unit["proposal_eid"] == "text"
    assert any("no article structure found" in note for note in payload["notes"])  # type: ignore[union-attr]
    reply = next(t for t in unit["time_limits"] if t["purpose"] == "reply")
    assert reply["proposal"] == "45 calendar days"


def test_bad_proposals_are_refused_with_the_reason(index: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 broken")
    result = CliRunner().invoke(main, ["--index", index, "review", str(broken), "--against", MODEL])
    assert result.exit_code == 2
    assert "broken.docx: corrupt Word file" in result.output
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["--index", index, "review", str(empty), "--against", MODEL])
    assert result.exit_code == 2 and "empty file" in result.output
    result = CliRunner().invoke(
        main, ["--index", index, "review", str(DATA / "proposal-borduria-en.txt"),
               "--against", "no-such-thing"],
    )  # fmt: skip
    assert result.exit_code == 2 and "no indexed document or draft of that id" in result.output
    out = tmp_path / "redline.docx"
    result = CliRunner().invoke(
        main, ["--index", index, "redline", str(broken), "--against", MODEL, "-o", str(out)]
    )
    assert result.exit_code == 2 and not out.exists()  # nothing half-written


def test_markdown_and_memo(index: str, proposal_docx: Path, tmp_path: Path) -> None:
    text = run("--index", index, "review", str(proposal_docx), "--against", MODEL).stdout
    assert text.startswith("# Review of borduria.docx")
    assert "within [-21-] {+60+} calendar days" in text.replace("\\{", "{").replace("\\}", "}")
    assert "| missing | — | Article 8 | no clause on data protection (data-protection) |" in text
    memo = tmp_path / "memo.docx"
    result = run("--index", index, "review", str(proposal_docx), "--against", MODEL,
                 "--format", "docx", "-o", str(memo))  # fmt: skip
    assert result.exit_code == 0, result.output
    document = docx.Document(str(memo))
    body = [child.tag.rsplit("}", 1)[-1] for child in document.element.body.iterchildren()]
    first_table = body.index("tbl")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Summary"
    # the summary table comes before any deviation section
    assert body[:first_table].count("p") == len(document.paragraphs[:first_table])
    table = document.tables[0]
    assert tuple(cell.text for cell in table.rows[0].cells) == SUMMARY_COLUMNS
    findings = [row.cells[0].text for row in table.rows[1:]]
    assert {"period differs", "missing", "added"} <= set(findings)
    assert "Article 5 — Time limits (against Article 5 — Time limits)" in headings
    assert "Missing from the proposal" in headings and "Added by the proposal" in headings
    with zipfile.ZipFile(memo) as archive:
        notes = archive.read("word/footnotes.xml").decode()
    assert "Source: Protocol, Article 8 — Obligations for escorts" in notes


def _tracked_texts(path: Path) -> tuple[list[str], list[str], set[str]]:
    """(paragraphs after accepting all, after rejecting all, change authors) read from the XML."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    accepted: list[str] = []
    rejected: list[str] = []
    authors: set[str] = set()
    for paragraph in root.iter(f"{W}p"):
        mark = paragraph.find(f"{W}pPr/{W}rPr")
        inserted = mark is not None and mark.find(f"{W}ins") is not None
        deleted = mark is not None and mark.find(f"{W}del") is not None
        new = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        old = "".join(
            t.text or ""
            for t in paragraph.iter(f"{W}t", f"{W}delText")
            if t.getparent().getparent().tag != f"{W}ins"
        )
        for change in paragraph.iter(f"{W}ins", f"{W}del"):
            authors.add(change.get(f"{W}author"))
            assert change.get(f"{W}date", "").endswith("Z")
        if new and not deleted:
            accepted.append(new)
        if old and not inserted:
            rejected.append(old)
    return accepted, rejected, authors


def test_redline_tracks_changes_article_by_article(
    index: str, proposal_docx: Path, tmp_path: Path
) -> None:
    out = tmp_path / "redline.docx"
    result = run("--index", index, "redline", str(proposal_docx), "--against", MODEL,
                 "-o", str(out), "--author", "Legal officer")  # fmt: skip
    assert result.exit_code == 0, result.output
    accepted, rejected, authors = _tracked_texts(out)
    review = review_proposal(
        KnowledgeBase(Path(index)),
        DraftingService(DraftStore(tmp_path / "drafts")),
        proposal_docx,
        ReviewTarget("document", MODEL),
    )
    assert accepted == accepted_text(review)
    assert rejected == rejected_text(review)
    assert authors == {"Legal officer"}
    assert "Escort" in accepted and "Escort" not in rejected
    assert "Data protection" in rejected and "Data protection" not in accepted
    kinds = [(block.kind, block.proposal.eid if block.proposal else block.against[0].eid)
             for block in blocks(review)]  # fmt: skip
    assert ("inserted", "art_8") in kinds and ("deleted", "art_8") in kinds


@pytest.mark.slow
def test_libreoffice_proposal_memo_and_redline(index: str, tmp_path: Path) -> None:
    """The proposal saved as .docx by LibreOffice reports the same; LibreOffice opens the memo
    and the redline, and through its UNO API accepting all changes gives the proposal's text,
    rejecting all gives the model's."""
    source = tmp_path / "borduria-lo.txt"
    source.write_text(PROPOSAL_TEXT, encoding="utf-8")
    proposal = convert_with_libreoffice(source, "docx", tmp_path / "lo")
    assert_reports_the_three_changes(review_json(index, proposal, MODEL))
    redline = tmp_path / "redline.docx"
    memo = tmp_path / "memo.docx"
    assert run("--index", index, "redline", str(proposal), "--against", MODEL,
               "-o", str(redline)).exit_code == 0  # fmt: skip
    assert run("--index", index, "review", str(proposal), "--against", MODEL,
               "--format", "docx", "-o", str(memo)).exit_code == 0  # fmt: skip
    for word in (memo, redline):
        assert convert_with_libreoffice(word, "pdf", tmp_path / "pdf").stat().st_size > 1000
    accepted = tracked_change_texts(redline, "accept", tmp_path / "uno")
    rejected = tracked_change_texts(redline, "reject", tmp_path / "uno")
    assert accepted["changes"] > 0 and accepted["remaining"] == 0
    assert accepted["authors"] == ["Readmit"]

    def paragraphs(text: str) -> list[str]:
        return [" ".join(line.split()) for line in text.split("\n") if line.strip()]

    def shown(result: dict[str, object]) -> list[str]:
        return [" ".join(p.split()) for p in result["paragraphs"] if p.strip()]  # type: ignore[attr-defined]

    assert shown(accepted) == paragraphs(PROPOSAL_TEXT)
    assert shown(rejected) == paragraphs(MODEL_TEXT)


def test_draft_redline_against_its_sources(index: str, tmp_path: Path) -> None:
    """`readmit redline-draft`: an edited clause shows the edit as tracked changes against its
    source article; a clause drafted without a source is an insertion."""
    from readmit.facade import hit_from_unit

    kb = KnowledgeBase(Path(index))
    document = kb.document(PRECEDENTS[0])
    source = kb.article(PRECEDENTS[0], "art_7")
    assert document is not None and source is not None
    drafts = tmp_path / "drafts"
    service = DraftingService(DraftStore(drafts))
    draft = service.create("Built from precedents")
    _, clause = service.add_hit(
        draft.draft_id, section="time-limits", hit=hit_from_unit(document, source)
    )
    edited = source.text.replace("21 calendar days", "30 calendar days", 1)
    assert edited != source.text
    service.update_text(draft.draft_id, clause.clause_id, edited)
    service.add_text(draft.draft_id, section="costs", text="Costs are shared.", heading="Costs")
    out = tmp_path / "draft-redline.docx"
    result = run("--index", index, "redline-draft", draft.draft_id, "--drafts", str(drafts),
                 "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    accepted, rejected, authors = _tracked_texts(out)
    lines = [line.strip() for line in edited.split("\n") if line.strip()]
    originals = [line.strip() for line in source.text.split("\n") if line.strip()]
    assert accepted[2 : 2 + len(lines)] == lines
    assert accepted[-3:] == ["Article 2", "Costs", "Costs are shared."]
    assert rejected[2 : 2 + len(originals)] == originals
    assert "Costs are shared." not in rejected
    assert authors == {"Readmit"}  # the local user of a setup without sign-in has no name


def test_redline_of_moved_and_merged_articles_keeps_both_texts(tmp_path: Path) -> None:
    """Articles the proposal moved, or merged from non-consecutive ones of ours, are deleted
    where they stood and inserted where they stand: both sides still read in their own order."""
    from readmit.review.model import AlignedArticle, Review, ReviewUnit
    from readmit.review.redline import write_redline

    def unit(eid: str, text: str) -> ReviewUnit:
        return ReviewUnit(eid, f"Article {eid[-1]}", None, text)

    ours = [unit(f"art_{n}", f"Our article {n} text.") for n in range(1, 5)]
    theirs = [
        unit("art_1", "Their article 3 text."),  # our 3, moved to the front
        unit("art_2", "Our article 1 text, changed."),
        unit("art_3", "Our articles 2 and 4 text."),  # merges our 2 and 4 (not consecutive)
    ]

    def aligned(proposal: ReviewUnit, *against: ReviewUnit) -> AlignedArticle:
        return AlignedArticle(proposal, tuple(against), 0.5, (), (), ())

    review = Review(
        proposal_name="p.txt",
        proposal_language="en",
        against_kind="draft",
        against_id="x",
        against_title="x",
        articles=(
            aligned(theirs[0], ours[2]),
            aligned(theirs[1], ours[0]),
            aligned(theirs[2], ours[1], ours[3]),
        ),
        missing=(),
        extra=(),
        unmatched_against=(),
        against_units=tuple(ours),
    )
    out = tmp_path / "moved.docx"
    write_redline(review, out)
    accepted, rejected, _ = _tracked_texts(out)
    assert accepted == accepted_text(review)
    assert rejected == rejected_text(review)
