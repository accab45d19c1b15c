"""`readmit copy`, `push-drafts` and `pull-drafts`: moving an index or drafts between a local
folder and a server (maintainers only)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from readmit.cli.output import err
from readmit.cli.root import readmit
from readmit.facade import NoIndexError
from readmit.settings import as_location


@click.command("copy")
@click.argument("source")
@click.argument("target")
@click.pass_context
def copy_command(ctx: click.Context, source: str, target: str) -> None:
    """Copy the index at SOURCE to TARGET (folders or postgresql:// URLs) without re-embedding.

    TARGET ends up with exactly SOURCE's documents; counts and per-document checksums of texts
    and vectors are verified afterwards (exit 1 if anything differs).
    """
    app = readmit(ctx)
    try:
        report = app.copy_index(
            as_location(source),
            as_location(target),
            progress=lambda done, total: err.print(f"copied {done}/{total} documents", end="\r"),
        )
    except NoIndexError as error:
        raise click.ClickException(str(error)) from error
    err.print(
        f"copied {report.documents} documents, {report.units} units, {report.chunks} chunks "
        f"to {escape(app.location_label(as_location(target)))}"
        + (f"; removed {len(report.removed)} it had beyond the source" if report.removed else "")
    )
    for problem in report.problems:
        err.print(f"[red]problem:[/red] {escape(problem)}")
    if report.problems:
        sys.exit(1)
    err.print("verified: counts and checksums match")


def move_drafts(ctx: click.Context, source: str, target: str) -> None:
    report = readmit(ctx).copy_drafts(as_location(source), as_location(target))
    for kept in report.kept:
        err.print(f"[yellow]kept the target's version:[/yellow] {escape(kept)}")
    for unreadable in report.unreadable:
        err.print(f"[yellow]unreadable, not copied:[/yellow] {escape(unreadable)}")
    err.print(
        f"{report.copied} drafts copied to {escape(report.target)}, "
        f"{len(report.kept)} left as they were"
    )


@click.command("push-drafts")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.argument("server")
@click.pass_context
def drafts_push(ctx: click.Context, folder: Path, server: str) -> None:
    """Copy the drafts of a local FOLDER to SERVER (a newer draft there is never overwritten)."""
    move_drafts(ctx, str(folder), server)


@click.command("pull-drafts")
@click.argument("server")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def drafts_pull(ctx: click.Context, server: str, folder: Path) -> None:
    """Copy the drafts of SERVER into a local FOLDER (a newer draft there is never overwritten)."""
    move_drafts(ctx, server, str(folder))


COMMANDS = (copy_command, drafts_push, drafts_pull)
