"""`readmit matrix`, `time-limits`, `slots` and `documents`: clause intelligence."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from readmit.cli.output import echo, err, json_line, markup, open_output, print_table
from readmit.cli.root import readmit
from readmit.facade import (
    GUIDANCE_KINDS,
    PURPOSES,
    SLOTS,
    PeriodError,
    SlotGroup,
    UnknownSlotError,
    cite_unit,
    parse_period,
    period_text,
    write_accepted_documents_csv,
    write_matrix_csv,
    write_time_limits_csv,
)

CSV_HELP = "Write one row per item."


@click.command()
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Write the matrix as CSV.")
@click.option("--all", "all_documents", is_flag=True, help="Include conventions too.")
@click.pass_context
def matrix(ctx: click.Context, csv_path: Path | None, all_documents: bool) -> None:
    """Precedent matrix: agreements × clause types; cells list the articles ("~" = probably
    right but unconfirmed, "?" = likely wrong)."""
    table = readmit(ctx).clause_matrix(all_documents=all_documents)
    if csv_path is None:
        write_matrix_csv(table, sys.stdout)
        return
    with open_output(csv_path) as handle:
        write_matrix_csv(table, handle)
    size = f"{len(table.documents)} agreements × {len(table.slots)} slots"
    err.print(f"wrote {size} to {markup(csv_path)}", highlight=False)


@click.command("time-limits")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Write the table as CSV.")
@click.option("--all", "all_documents", is_flag=True, help="Include conventions too.")
@click.option(
    "--purpose",
    "purposes",
    multiple=True,
    type=click.Choice(PURPOSES),
    help="Only limits for this purpose (repeatable), e.g. reply, transfer.",
)
@click.option(
    "--min", "minimum", default=None, metavar="PERIOD", help='At least this long: "30", "3 months".'
)
@click.option(
    "--max", "maximum", default=None, metavar="PERIOD", help='At most this long: "21 days".'
)
@click.pass_context
def time_limits_command(
    ctx: click.Context,
    csv_path: Path | None,
    all_documents: bool,
    purposes: tuple[str, ...],
    minimum: str | None,
    maximum: str | None,
) -> None:
    """Every time limit of every article: number, unit and what it is for.

    A PERIOD is a number of days or a number and a unit (hours, days, working days, weeks,
    months, years); periods in different units are compared in approximate calendar days.
    """
    try:
        low = parse_period(minimum) if minimum is not None else None
        high = parse_period(maximum) if maximum is not None else None
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--min/--max") from error
    rows = readmit(ctx).time_limits(
        all_documents=all_documents, purposes=purposes, min_days=low, max_days=high
    )
    if csv_path is not None:
        with open_output(csv_path) as handle:
            write_time_limits_csv(rows, handle)
        err.print(f"wrote {len(rows)} time limits to {markup(csv_path)}", highlight=False)
        return
    print_time_limits(rows)


def print_time_limits(rows: list[dict[str, str]]) -> None:
    print_table(
        ("document", "kind", "article", "limit", "purpose", "text"),
        [
            (
                row["doc_id"],
                # Guides and regulations say what the rules require; they are not precedents.
                row["kind"] + (" (guidance)" if row["kind"] in GUIDANCE_KINDS else ""),
                row["article"],
                period_text(int(row["number"]), row["unit"]),
                row["purpose"],
                row["text"],
            )
            for row in rows
        ],
        title="Time limits across agreements",
    )


@click.command("slots")
@click.argument("slot", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def slots_command(ctx: click.Context, slot: str | None, as_json: bool) -> None:
    """List the clause types, or every article of SLOT grouped by agreement."""
    if slot is None:
        for known in SLOTS:
            echo(f"{known.key:28} {known.title}")
        return
    try:
        groups = readmit(ctx).clause_articles(slot)
    except UnknownSlotError as error:
        raise click.BadParameter(str(error), param_hint="SLOT") from error
    if as_json:
        click.echo(json_line([slot_group_json(group) for group in groups]))
        return
    for group in groups:
        echo(f"== {group.title}")
        for a in group.articles:
            flag = " (likely wrong)" if a.doubtful else " (unconfirmed)" if a.uncertain else ""
            limits = ", ".join(
                f"{period_text(t.number, t.unit)} ({t.purpose})" for t in a.time_limits
            )
            heading = (a.unit.heading or "").strip() or None
            cited = cite_unit(eid=a.unit.eid, kind=a.unit.kind, label=a.unit.label, heading=heading)
            echo(
                f"  [{a.document.language}] {a.document.doc_id} {cited}{flag}"
                + (f" — {limits}" if limits else "")
            )


def slot_group_json(group: SlotGroup) -> dict[str, object]:
    return {
        "agreement": group.key,
        "title": group.title,
        "articles": [
            {
                "doc_id": a.document.doc_id,
                "language": a.document.language,
                "eid": a.unit.eid,
                "article": a.unit.label,
                "heading": a.unit.heading,
                "confidence": a.confidence,
                "uncertain": a.uncertain,
                "doubtful": a.doubtful,
                "time_limits": [
                    {"number": t.number, "unit": t.unit, "purpose": t.purpose, "text": t.text}
                    for t in a.time_limits
                ],
                "text": a.unit.text,
            }
            for a in group.articles
        ],
    }


@click.command("documents")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help=CSV_HELP)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def documents_command(ctx: click.Context, csv_path: Path | None, as_json: bool) -> None:
    """Lists of accepted documents: proof and prima facie evidence of nationality and of the
    grounds for readmitting third-country nationals, as the articles and annexes enumerate them."""
    lists = readmit(ctx).accepted_documents()
    if csv_path is not None:
        with open_output(csv_path) as handle:
            write_accepted_documents_csv(lists, handle)
        items = sum(len(found.items) for found in lists)
        err.print(
            f"wrote {items} documents from {len(lists)} lists to {markup(csv_path)}",
            highlight=False,
        )
        return
    if as_json:
        fields = ("doc_id", "eid", "label", "heading", "language", "kind", "slot", "lead_in")
        pages = ("page_start", "page_end")
        payload = [
            {("article" if name == "label" else name): getattr(found, name) for name in fields}
            | {"items": list(found.items)}
            | {name: getattr(found, name) for name in pages}
            for found in lists
        ]
        click.echo(json_line(payload))
        return
    for found in lists:
        echo(f"== {found.doc_id} {found.label} [{found.kind}] {found.lead_in}")
        for item in found.items:
            echo(f"   - {item}")


COMMANDS = (matrix, time_limits_command, slots_command, documents_command)
