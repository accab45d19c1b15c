"""`readmit drafts`, `export` and `gaps`: the saved drafts, as the command's user may see them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from readmit.cli.output import echo, json_line, print_table, say
from readmit.cli.root import DRAFTS_OPTION, readmit
from readmit.facade import EXPORT_LANGUAGES, ExportOptions, Gap, replace_atomically


@click.command("drafts")
@DRAFTS_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def drafts_command(ctx: click.Context, drafts_dir: str | None, as_json: bool) -> None:
    """The saved drafts with their ids (what `export`, `gaps` and the app's ?draft= take)."""
    app = readmit(ctx, drafts_dir=drafts_dir)
    listing = app.list_drafts()
    if as_json:
        payload = [
            {
                "draft_id": d.draft_id,
                "title": d.title,
                "updated_at": d.updated_at,
                "clauses": d.clause_count,
            }
            for d in listing
        ]
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        print_table(
            ("id", "title", "updated", "clauses"),
            [
                (d.draft_id, d.title, d.updated_at[:16].replace("T", " "), str(d.clause_count))
                for d in listing
            ],
            title="Drafts",
        )
    for error in listing.errors:
        say(f"unreadable: {error}")
    if not listing.drafts and not listing.errors:
        # A relative default found nothing from another working directory: say where we looked.
        say(f"no drafts in {app.drafts_location()}")


@click.command("export")
@click.argument("draft_id")
@click.option(
    "--format", "fmt", type=click.Choice(["docx", "md"]), default="docx", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: DRAFT_ID.docx / .md in the working directory).",
)
@DRAFTS_OPTION
@click.option(
    "--placeholders", is_flag=True, help="Party names become [Party A], [Party B] in the export."
)
@click.option(
    "--bilingual",
    "other_language",
    default="",
    metavar="LANG",
    help="Each article beside its source wording in the LANG version "
    f"({', '.join(EXPORT_LANGUAGES)}).",
)
@click.option("--author", default="", help="Author written into the document properties.")
@click.pass_context
def export_command(
    ctx: click.Context,
    draft_id: str,
    fmt: str,
    output: Path | None,
    drafts_dir: str | None,
    placeholders: bool,
    other_language: str,
    author: str,
) -> None:
    """Export a draft model agreement to Word (.docx) or Markdown."""
    app = readmit(ctx, drafts_dir=drafts_dir)
    target = output or Path(f"{draft_id}.{fmt}")
    options = (
        app.export_options(
            draft_id,
            placeholders=placeholders,
            author=author,
            other_language=other_language.lower(),
        )
        if other_language
        else ExportOptions(placeholders=placeholders, author=author)
    )
    if fmt == "docx":
        app.export_docx(draft_id, target, options=options)
    else:
        text = app.export_markdown(draft_id, options=options)
        # temp file + rename, like the Word export: an interrupted export leaves the old file whole
        replace_atomically(target, lambda name: Path(name).write_text(text, encoding="utf-8"))
    echo(f"wrote {target}")


@click.command()
@click.argument("draft_id")
@DRAFTS_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def gaps(ctx: click.Context, draft_id: str, drafts_dir: str | None, as_json: bool) -> None:
    """Standard clause types DRAFT_ID lacks, with the three commonest precedent wordings."""
    found = readmit(ctx, drafts_dir=drafts_dir).draft_gaps(draft_id)
    if as_json:
        click.echo(json_line([gap_json(gap) for gap in found]))
        return
    if not found:
        click.echo("The draft covers every standard clause type.")
    for gap in found:
        echo(f"missing: {gap.slot} — {gap.title} (in {gap.agreements_with_slot} agreements)")
        for number, precedent in enumerate(gap.precedents, 1):
            sources = ", ".join(f"{d} {e}" for d, e in precedent.sources[:5])
            more = f" (+{len(precedent.sources) - 5} more)" if len(precedent.sources) > 5 else ""
            excerpt = " ".join(precedent.text.split())[:200]
            versions = "".join(
                f"\n     also in {language}: {doc_id} {eid}"
                for language, doc_id, eid in precedent.versions
            )
            echo(
                f"  {number}. [{precedent.language}] used {precedent.count}×: {sources}{more}"
                f"{versions}\n     {excerpt}…"
            )


def gap_json(gap: Gap) -> dict[str, object]:
    return {
        "slot": gap.slot,
        "title": gap.title,
        "agreements_with_slot": gap.agreements_with_slot,
        "precedents": [
            {
                "count": p.count,
                "language": p.language,
                "text": p.text,
                "sources": [{"doc_id": d, "eid": e} for d, e in p.sources],
                "versions": [
                    {"language": lang, "doc_id": d, "eid": e} for lang, d, e in p.versions
                ],
            }
            for p in gap.precedents
        ],
    }


COMMANDS = (drafts_command, export_command, gaps)
