"""`readmit review` and `readmit redline`: a counterpart's proposal against a draft or an
indexed agreement (thin click commands over `readmit.review`).

Registered on the `readmit` group by one line at the bottom of `readmit.cli`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from readmit.cli import _markup, _plain, _workbench, err, main
from readmit.review import ReviewError, ReviewTarget, review_proposal
from readmit.review.report import review_json, review_markdown
from readmit.settings import DRAFTS_ENV
from readmit.workbench import Workbench

_DRAFTS_OPTION = click.option(
    "--drafts",
    "drafts_dir",
    type=str,
    default=None,
    help=f"Drafts folder or postgresql:// URL (env {DRAFTS_ENV}; default .readmit/drafts).",
)


def _target(wb: Workbench, identifier: str) -> ReviewTarget:
    """A draft id or an indexed document id (a document wins if both exist)."""
    if wb.kb.document(identifier) is not None:
        return ReviewTarget("document", identifier)
    if wb.drafting.exists(identifier):
        return ReviewTarget("draft", identifier)
    raise ReviewError(
        f"{identifier!r} is neither an indexed document nor a draft "
        "(see `readmit status` and `readmit drafts`)"
    )


def _fail(error: Exception) -> None:
    err.print(f"error: {_markup(error)}", highlight=False)
    sys.exit(2)


@main.command("review")
@click.argument("proposal", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--against", "against", required=True, help="A draft id or an indexed document id.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "docx", "json"]),
    default="md",
    show_default=True,
)
@click.option("-o", "output", type=click.Path(path_type=Path), help="Write to this file.")
@_DRAFTS_OPTION
@click.pass_context
def review_command(
    ctx: click.Context,
    proposal: Path,
    against: str,
    output_format: str,
    output: Path | None,
    drafts_dir: str | None,
) -> None:
    """Review PROPOSAL (PDF, Word or text) against a draft or an indexed agreement: what
    differs, which numbers differ and how they compare with the precedents, which clause types
    it lacks, what it adds. The proposal is read, never indexed."""
    wb = _workbench(ctx, drafts_dir=drafts_dir)
    if output_format == "docx" and output is None:
        raise click.UsageError("--format docx needs -o FILE.docx")
    try:
        review = review_proposal(wb.kb, wb.drafting, proposal, _target(wb, against))
    except ReviewError as error:
        _fail(error)
        return
    if output_format == "docx":
        from readmit.review.memo_docx import write_memo

        assert output is not None
        write_memo(review, output)
        err.print(f"Wrote the review memo to {_markup(output)}", highlight=False)
        return
    if output_format == "json":
        text = json.dumps(review_json(review), ensure_ascii=False, indent=2)
    else:
        text = review_markdown(review)
    if output is None:
        click.echo(_plain(text) if output_format == "md" else text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    err.print(f"Wrote the review to {_markup(output)}", highlight=False)


@main.command("redline")
@click.argument("proposal", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--against", "against", required=True, help="A draft id or an indexed document id.")
@click.option("-o", "output", required=True, type=click.Path(path_type=Path), help="The .docx.")
@click.option("--author", default="Readmit", show_default=True, help="Author of the changes.")
@_DRAFTS_OPTION
@click.pass_context
def redline_command(
    ctx: click.Context,
    proposal: Path,
    against: str,
    output: Path,
    author: str,
    drafts_dir: str | None,
) -> None:
    """Write PROPOSAL as tracked changes against a draft or an indexed agreement (Word):
    accepting all changes gives the proposal, rejecting all gives the target."""
    from readmit.review.redline import write_redline

    wb = _workbench(ctx, drafts_dir=drafts_dir)
    try:
        review = review_proposal(wb.kb, wb.drafting, proposal, _target(wb, against))
    except ReviewError as error:
        _fail(error)
        return
    write_redline(review, output, author=author)
    err.print(f"Wrote the redline to {_markup(output)}", highlight=False)


@main.command("redline-draft")
@click.argument("draft_id")
@click.option("-o", "output", required=True, type=click.Path(path_type=Path), help="The .docx.")
@click.option("--author", default="Readmit", show_default=True, help="Author of the changes.")
@_DRAFTS_OPTION
@click.pass_context
def redline_draft_command(
    ctx: click.Context, draft_id: str, output: Path, author: str, drafts_dir: str | None
) -> None:
    """Write DRAFT_ID against the precedents it was built from as Word tracked changes: each
    edited clause shows the drafter's edits, a clause drafted without a source is inserted."""
    from readmit.drafting.store import DraftStoreError
    from readmit.review import draft_redline_bytes

    wb = _workbench(ctx, drafts_dir=drafts_dir)
    try:
        draft = wb.drafting.get(draft_id)
    except DraftStoreError as error:
        _fail(error)
        return
    partial = output.with_name(f".{output.name}.partial")
    partial.write_bytes(draft_redline_bytes(draft, author=author))
    partial.replace(output)
    err.print(f"Wrote the draft's redline to {_markup(output)}", highlight=False)
