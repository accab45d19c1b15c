"""`readmit ingest`, `status` and `remove`: the corpus in the index."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from readmit.cli.output import echo, err, json_line, markup, say
from readmit.cli.root import readmit, settings_of
from readmit.facade import INGEST_BATCH_CHUNKS, IngestReport, ProgressWriter


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--password",
    "passwords",
    multiple=True,
    metavar="FILE=PASSWORD",
    help="Password for an encrypted PDF (repeatable).",
)
@click.option(
    "--batch-chunks",
    type=click.IntRange(min=1),
    default=INGEST_BATCH_CHUNKS,
    show_default=True,
    help="Commit changed documents in batches of about this many chunks.",
)
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], passwords: tuple[str, ...], batch_chunks: int
) -> None:
    """Index documents (default: the corpus folder, env READMIT_CORPUS, else corpus/). Only new
    or changed files are embedded."""
    app = readmit(ctx)
    targets = list(paths) or settings_of(ctx).document_folders
    files = app.plan_ingest(targets)
    # The app shows this while `make run` indexes in the background (readmit.ingest_progress).
    tracker = ProgressWriter(settings_of(ctx).ingest_progress_file, total=len(files))
    with contextlib.ExitStack() as stack:
        stack.callback(tracker.finish)
        advance = _progress(stack, tracker, total=len(files))
        secrets = parse_passwords(passwords)
        report = app.ingest(targets, passwords=secrets, on_file=advance, batch_chunks=batch_chunks)
    print_ingest_summary(report)
    if not report.ok:
        sys.exit(1)


def _progress(
    stack: contextlib.ExitStack, tracker: ProgressWriter, *, total: int
) -> Callable[[Path, str], None]:
    """A bar on a terminal; in a log (`make run > file`, CI), where a bar cannot draw, one
    line per file. Either way the progress file is updated."""
    if not err.is_terminal:
        done = [0]

        def log_line(path: Path, outcome: str) -> None:
            tracker.file_done(f"{path.name}: {outcome}")
            done[0] += 1
            say(f"indexing {done[0]}/{total}: {path.name}: {outcome}")

        return log_line
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn())
    extra = (TimeElapsedColumn(), TextColumn("{task.fields[current]}"))
    progress = stack.enter_context(Progress(*columns, *extra, console=err, transient=False))
    task = progress.add_task("Indexing", total=total, current="")

    def advance(path: Path, outcome: str) -> None:
        tracker.file_done(f"{path.name}: {outcome}")
        progress.update(task, advance=1, current=markup(f"{path.name}: {outcome}"))

    return advance


def parse_passwords(pairs: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for pair in pairs:
        name, sep, secret = pair.partition("=")
        if not sep:
            raise click.BadParameter(
                f"expected FILE=PASSWORD, got {pair!r}", param_hint="--password"
            )
        parsed[Path(name).name] = secret
    return parsed


def print_ingest_summary(report: IngestReport) -> None:
    err.print(
        f"{len(report.indexed)} indexed, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.failed)} failed; "
        f"{report.chunks_embedded} chunks embedded"
        + (f", {report.chunks_shipped} from the shipped vectors." if report.chunks_shipped else ".")
    )
    for doc_id in report.removed:
        err.print(f"removed: {markup(doc_id)}", highlight=False)
    for warning in report.warnings:
        err.print(f"[yellow]warning[/yellow]: {markup(warning)}", highlight=False)
    for path, reason in report.failed:
        err.print(f"[red]failed[/red]: {markup(path)}: {markup(reason)}", highlight=False)
    for path, note in report.notes:
        say(f"{Path(path).name}: {note}")
    for doc in report.structures:
        top = ", ".join(doc.top_level_eids[:12]) + (" …" if len(doc.top_level_eids) > 12 else "")
        say(
            f"{doc.doc_id}: {doc.units} units, {doc.chunks} chunks; top level: {top}; "
            f"{doc.lines} lines, {doc.lines_not_in_units} in no unit, "
            f"{doc.running_lines_removed} running headers/footers removed"
        )
        if doc.lines_not_in_units:
            say(f"warning: {doc.doc_id}: {doc.lines_not_in_units} lines are in no unit")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Documents, chunks, model, when indexed and failed files."""
    app = readmit(ctx)
    report = app.status()
    if as_json:
        failures = [{"file": f, "reason": r} for f, r in report.failures]
        fields = ("documents", "units", "chunks", "model", "dimension", "indexed_at")
        hashes = ("taxonomy_sha256", "glossary_sha256", "slots_stale")
        payload = {name: getattr(report, name) for name in fields} | {"failures": failures}
        click.echo(json_line(payload | {name: getattr(report, name) for name in hashes}))
        return
    echo(f"index:      {app.index_location()}")
    click.echo(f"model:      {report.model} ({report.dimension}-d)")
    click.echo(f"documents:  {report.documents}")
    click.echo(f"units:      {report.units}")
    click.echo(f"chunks:     {report.chunks}")
    click.echo(f"indexed at: {report.indexed_at}")
    if report.slots_stale:
        click.echo(
            "clause slots: stale (the taxonomy changed since they were computed); "
            "`readmit ingest` recomputes them without re-embedding"
        )
    elif report.documents and report.taxonomy_sha256 is None:
        click.echo("clause slots: not computed yet (an ingest computes them at its end)")
    else:
        click.echo("clause slots: up to date with the taxonomy")
    click.echo(f"failed files: {len(report.failures)}")
    for path, reason in report.failures:
        echo(f"  {path}: {reason}")


@click.command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx: click.Context, doc_id: str) -> None:
    """Remove a document from the index."""
    if not readmit(ctx).remove_document(doc_id):
        err.print(f"no such document: {markup(doc_id)}", highlight=False)
        sys.exit(1)
    echo(f"removed {doc_id}")


COMMANDS = (ingest, status, remove)
