"""`readmit review`, `redline` and `redline-draft`: a counterpart's proposal against a draft or
an indexed agreement, and a draft against its sources, as the command's user may see them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from readmit.cli.output import echo, plain, say
from readmit.cli.root import DRAFTS_OPTION, readmit
from readmit.facade import (
    Readmit,
    Review,
    review_json,
    review_markdown,
    write_memo,
    write_redline,
)

PROPOSAL = click.argument("proposal", type=click.Path(path_type=Path, exists=True, dir_okay=False))
AGAINST = click.option(
    "--against", "against", required=True, help="A draft id or an indexed document id."
)


def reviewed(app: Readmit, proposal: Path, against: str) -> Review:
    """PROPOSAL against a document or a draft of that id, as the user may see them."""
    target = app.review_target(against)
    if target.kind == "document":
        return app.review_document(proposal, target.identifier)
    return app.review_draft(proposal, target.identifier)


@click.command("review")
@PROPOSAL
@AGAINST
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "docx", "json"]),
    default="md",
    show_default=True,
)
@click.option("-o", "output", type=click.Path(path_type=Path), help="Write to this file.")
@DRAFTS_OPTION
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
    if output_format == "docx" and output is None:
        raise click.UsageError("--format docx needs -o FILE.docx")
    app = readmit(ctx, drafts_dir=drafts_dir)
    review = reviewed(app, proposal, against)
    if output_format == "docx":
        assert output is not None
        write_memo(review, output)
        say(f"Wrote the review memo to {output}")
        return
    if output_format == "json":
        text = json.dumps(review_json(review), ensure_ascii=False, indent=2)
    else:
        text = plain(review_markdown(review))
    if output is None:
        click.echo(text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    say(f"Wrote the review to {output}")


@click.command("redline")
@PROPOSAL
@AGAINST
@click.option("-o", "output", required=True, type=click.Path(path_type=Path), help="The .docx.")
@click.option("--author", default="", help="Author of the changes (default: the user).")
@DRAFTS_OPTION
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
    app = readmit(ctx, drafts_dir=drafts_dir)
    review = reviewed(app, proposal, against)
    write_redline(review, output, author=author or app.export_author() or "Readmit")
    echo(f"wrote {output}")


@click.command("redline-draft")
@click.argument("draft_id")
@click.option("-o", "output", required=True, type=click.Path(path_type=Path), help="The .docx.")
@DRAFTS_OPTION
@click.pass_context
def redline_draft_command(
    ctx: click.Context, draft_id: str, output: Path, drafts_dir: str | None
) -> None:
    """Write DRAFT_ID against the precedents it was built from as Word tracked changes: each
    edited clause shows the drafter's edits, a clause drafted without a source is inserted."""
    data = readmit(ctx, drafts_dir=drafts_dir).draft_redline(draft_id)
    partial = output.with_name(f".{output.name}.partial")
    partial.write_bytes(data)
    partial.replace(output)  # atomic: an interrupted write never replaces an earlier file
    echo(f"wrote {output}")


COMMANDS = (review_command, redline_command, redline_draft_command)
