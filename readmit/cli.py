"""The `readmit` command for maintainers: thin click commands over `KnowledgeBase`."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from index.errors import IndexLayerError
from index.types import DOCUMENT_KINDS, Hit, SearchFilters
from ingest.citations import cite_unit
from ingest.time_limits import PURPOSES
from ingest.types import GUIDANCE_KINDS
from readmit import workbench
from readmit.access import (
    LOCAL_MAINTAINER,
    AccessDeniedError,
    Action,
    Principal,
    UserStore,
    UserStoreError,
)
from readmit.access.deployment import open_gate
from readmit.access.gate import AccessGate
from readmit.access.users import AccountStore, parse_role, validate_groups, validate_user_name
from readmit.cli_output import print_table
from readmit.drafting import DraftingService, DraftStore
from readmit.ingest_progress import ProgressWriter
from readmit.service import INGEST_BATCH_CHUNKS, IngestReport, KnowledgeBase, RulesFileError
from readmit.settings import (
    DRAFTS_ENV,
    INDEX_ENV,
    MODEL_ENV,
    USER_ENV,
    Settings,
    as_location,
    load_settings,
)
from readmit.workbench import Workbench, for_principal

# Progress and messages go to stderr so that `--json` output on stdout stays one clean object.
err = Console(stderr=True, soft_wrap=True)

# C0 controls but tab and newline (ESC starts terminal escape sequences, CR overwrites the
# line), DEL and the C1 controls (U+009B is a one-character CSI).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(text: object) -> str:
    """Text from a document or a file name, inert for a terminal: control characters removed."""
    return _CONTROL_CHARS.sub("", str(text))


def _markup(text: object) -> str:
    """Such text inside Rich markup: also its square brackets escaped ("[bold]" stays text)."""
    return escape(_plain(text))


def _echo(text: object) -> None:
    click.echo(_plain(text))


def _json_line(payload: object) -> str:
    """One JSON object; DEL and C1 controls, which json leaves raw, become \\u escapes."""
    text = json.dumps(payload, ensure_ascii=False)
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _principal(ctx: click.Context) -> Principal:
    """Who the command runs as: `--user`/READMIT_USER from the users store.

    Without accounts in the users store (no sign-in configured) the local user is a maintainer
    who sees every document. With accounts, every command but `users` needs `--user`.
    """
    obj = ctx.find_root().ensure_object(dict)
    if "principal" not in obj:
        obj["principal"] = _resolve_user(obj.get("user"), _gate(ctx).accounts)
    principal: Principal = obj["principal"]
    return principal


def _gate(ctx: click.Context) -> AccessGate:
    """The deployment's accounts and audit log (files, or the index database in server mode)."""
    obj = ctx.find_root().ensure_object(dict)
    if "gate" not in obj:
        obj["gate"] = open_gate(_settings(ctx))
    gate: AccessGate = obj["gate"]
    return gate


def _resolve_user(name: str | None, users: AccountStore) -> Principal:
    if users.is_empty():
        if name:
            raise click.UsageError(
                f"--user {name}: no users are configured ({users.location} has no accounts)"
            )
        return LOCAL_MAINTAINER
    if not name:
        raise click.UsageError(
            f"sign-in is configured ({users.location}): give --user NAME or set {USER_ENV}"
        )
    account = users.get(name)
    if account is None:
        raise click.UsageError(f"--user {name}: no such user in {users.location}")
    return account.principal


def _workbench(ctx: click.Context, *, drafts_dir: str | None = None) -> Workbench:
    """The services as the command's user sees them (documents, drafts, role)."""
    obj = ctx.find_root().ensure_object(dict)
    settings = _settings(ctx, drafts_dir=drafts_dir)
    if "kb" not in obj:
        obj["kb"] = KnowledgeBase(settings.index_dir, model=settings.model)
    full = Workbench(
        kb=obj["kb"],
        drafting=DraftingService(DraftStore(settings.drafts_dir)),
        corpus_dir=settings.corpus_dir,
        rejected_uploads_dir=settings.rejected_uploads_dir,
        audit=_gate(ctx).audit,
    )
    return for_principal(full, _principal(ctx))


def _knowledge_base(ctx: click.Context) -> KnowledgeBase:
    """The index as the command's user may see it."""
    return _workbench(ctx).kb


def _settings(ctx: click.Context, *, drafts_dir: str | None = None) -> Settings:
    """The run's settings (flags of the group, then the environment); `--drafts` of a command
    overrides the drafts location (a folder or a postgresql:// URL)."""
    settings: Settings = ctx.find_root().ensure_object(dict)["settings"]
    if drafts_dir is None:
        return settings
    return replace(settings, drafts_dir=as_location(drafts_dir))


class _ReadmitGroup(click.Group):
    """Turns the library's deliberate errors into a message and exit code 2, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (IndexLayerError, RulesFileError, AccessDeniedError, UserStoreError) as error:
            err.print(f"error: {_markup(error)}", highlight=False)
            ctx.exit(2)


@click.group(cls=_ReadmitGroup)
@click.option(
    "--index",
    "index_dir",
    type=str,
    envvar=INDEX_ENV,
    default=None,
    help=f"Index folder or postgresql:// URL (env {INDEX_ENV}; default .readmit/index).",
)
@click.option(
    "--model",
    type=click.Choice(["e5", "minilm"]),
    envvar=MODEL_ENV,
    default=None,
    help=f"Embedding model (env {MODEL_ENV}; default: the index's own, else e5).",
)
@click.option(
    "--user",
    envvar=USER_ENV,
    default=None,
    help=f"Run as this user of the users store: their documents, drafts and role (env "
    f"{USER_ENV}). Needed once accounts exist; without any, you are the local maintainer.",
)
@click.pass_context
def main(ctx: click.Context, index_dir: str | None, model: str | None, user: str | None) -> None:
    """Readmit: search and draft readmission agreements."""
    # Without --model, an existing index is searched with the model that built it.
    ctx.ensure_object(dict)["settings"] = load_settings(
        index_dir=as_location(index_dir) if index_dir else None, model=model
    )
    ctx.obj["user"] = user


@main.command()
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
    wb = _workbench(ctx)
    wb.authorise(Action.REINDEX)
    targets = list(paths) or [_settings(ctx).corpus_dir]
    files, _ = wb.kb.plan(targets)
    # The app shows this while `make run` indexes in the background (readmit.ingest_progress).
    tracker = ProgressWriter(_settings(ctx).ingest_progress_file, total=len(files))
    with contextlib.ExitStack() as stack:
        stack.callback(tracker.finish)
        if err.is_terminal:
            progress = stack.enter_context(
                Progress(
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    TextColumn("{task.fields[current]}"),
                    console=err,
                    transient=False,
                )
            )
            task = progress.add_task("Indexing", total=len(files), current="")

            def advance(path: Path, outcome: str) -> None:
                tracker.file_done(f"{path.name}: {outcome}")
                progress.update(task, advance=1, current=_markup(f"{path.name}: {outcome}"))

        else:
            # A log (`make run > file`, CI): a bar cannot draw there, so one line per file.
            done = [0]

            def advance(path: Path, outcome: str) -> None:
                tracker.file_done(f"{path.name}: {outcome}")
                done[0] += 1
                err.print(
                    _plain(f"indexing {done[0]}/{len(files)}: {path.name}: {outcome}"),
                    highlight=False,
                    markup=False,
                )

        report = workbench.ingest(
            wb,
            targets,
            passwords=_parse_passwords(passwords),
            on_file=advance,
            batch_chunks=batch_chunks,
        )
    _print_ingest_summary(report)
    if not report.ok:
        sys.exit(1)


def _parse_passwords(pairs: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for pair in pairs:
        name, sep, secret = pair.partition("=")
        if not sep:
            raise click.BadParameter(
                f"expected FILE=PASSWORD, got {pair!r}", param_hint="--password"
            )
        parsed[Path(name).name] = secret
    return parsed


def _print_ingest_summary(report: IngestReport) -> None:
    err.print(
        f"{len(report.indexed)} indexed, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.failed)} failed; "
        f"{report.chunks_embedded} chunks embedded."
    )
    for doc_id in report.removed:
        err.print(f"removed: {_markup(doc_id)}", highlight=False)
    for warning in report.warnings:
        err.print(f"[yellow]warning[/yellow]: {_markup(warning)}", highlight=False)
    for path, reason in report.failed:
        err.print(f"[red]failed[/red]: {_markup(path)}: {_markup(reason)}", highlight=False)
    for path, note in report.notes:
        err.print(_plain(f"{Path(path).name}: {note}"), highlight=False, markup=False)
    for doc in report.structures:
        top = ", ".join(doc.top_level_eids[:12]) + (" …" if len(doc.top_level_eids) > 12 else "")
        line = (
            f"{doc.doc_id}: {doc.units} units, {doc.chunks} chunks; top level: {top}; "
            f"{doc.lines} lines, {doc.lines_not_in_units} in no unit, "
            f"{doc.running_lines_removed} running headers/footers removed"
        )
        err.print(_plain(line), markup=False, highlight=False)
        if doc.lines_not_in_units:
            err.print(
                _plain(f"warning: {doc.doc_id}: {doc.lines_not_in_units} lines are in no unit"),
                markup=False,
                highlight=False,
            )


@main.command()
@click.argument("query", required=False)
@click.option("-k", "k", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object (one per line with --queries)."
)
@click.option(
    "--queries",
    "queries_file",
    type=click.File("r", encoding="utf-8"),
    help="Many queries in one process: one per line, or JSONL with a 'query' field.",
)
@click.option(
    "--grouped",
    is_flag=True,
    help="Two lists: precedents (agreements, protocols, conventions) and guidance (guides, "
    "regulations), each ranked on its own.",
)
@click.option(
    "--guidance-k",
    default=5,
    show_default=True,
    type=click.IntRange(0, 200),
    help="With --grouped: how many guidance sections.",
)
@click.option("--doc", "doc_ids", multiple=True, help="Only these documents (doc ids).")
@click.option(
    "--lang", "languages", multiple=True, help="Only documents in these languages (en, nl, fr, de)."
)
@click.option(
    "--part",
    "parts",
    multiple=True,
    type=click.Choice(["preamble", "agreement", "protocol", "annex", "final"]),
)
@click.option(
    "--type", "instrument_types", multiple=True, help="Instrument type, e.g. 'bilateral agreement'."
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(DOCUMENT_KINDS),
    help="Only documents of this kind (agreement, policy guide, regulation, ...).",
)
@click.option(
    "--party", "parties", multiple=True, help="Only agreements with this party (e.g. Kazakhstan)."
)
@click.option("--year-from", type=click.IntRange(0, 9999), default=None)
@click.option("--year-to", type=click.IntRange(0, 9999), default=None)
@click.option(
    "--slot", "slots", multiple=True, help="Only articles of this clause type (`readmit slots`)."
)
@click.pass_context
def search(
    ctx: click.Context,
    query: str | None,
    k: int,
    as_json: bool,
    queries_file: TextIO | None,
    grouped: bool,
    guidance_k: int,
    doc_ids: tuple[str, ...],
    languages: tuple[str, ...],
    parts: tuple[str, ...],
    instrument_types: tuple[str, ...],
    kinds: tuple[str, ...],
    parties: tuple[str, ...],
    year_from: int | None,
    year_to: int | None,
    slots: tuple[str, ...],
) -> None:
    """Search the indexed clauses and guidance sections."""
    if (query is None) == (queries_file is None):
        raise click.UsageError("give either a QUERY or --queries FILE")
    filters = SearchFilters(
        doc_ids=doc_ids,
        languages=languages,
        parts=parts,
        instrument_types=instrument_types,
        kinds=kinds,
        parties=parties,
        year_from=year_from,
        year_to=year_to,
        slots=slots,
    )
    from readmit.workbench import search_articles

    kb = _knowledge_base(ctx)
    queries = _read_queries(queries_file) if queries_file is not None else [query or ""]
    for text in queries:
        if grouped:
            _print_grouped(kb, text, k=k, guidance_k=guidance_k, filters=filters, as_json=as_json)
            continue
        results = search_articles(kb, text, k=k, filters=filters)
        hits = list(results.hits)
        if as_json:
            payload = {
                "query": text,
                "good_match": results.good_match,
                "hits": [h.to_json() for h in hits],
            }
            click.echo(_json_line(payload))
            continue
        if hits and not results.good_match:
            err.print(
                f"No good match for {_plain(repr(text))}: nothing indexed is close to it; "
                "the closest articles follow.",
                highlight=False,
                markup=False,
            )
        _print_hits(text, hits)


def _print_grouped(
    kb: KnowledgeBase,
    query: str,
    *,
    k: int,
    guidance_k: int,
    filters: SearchFilters,
    as_json: bool,
) -> None:
    from readmit.workbench import search_grouped

    results = search_grouped(kb, query, k=k, guidance_k=guidance_k, filters=filters)
    if as_json:
        payload = {
            "query": query,
            "good_match": results.good_match,
            "precedents": [h.to_json() for h in results.precedents],
            "guidance": [h.to_json() for h in results.guidance],
        }
        click.echo(_json_line(payload))
        return
    if not results.good_match and (results.precedents or results.guidance):
        err.print(
            f"No good match for {_plain(repr(query))}: nothing indexed is close to it; "
            "the closest articles and sections follow.",
            highlight=False,
            markup=False,
        )
    _print_hits(f"{query} — precedents", list(results.precedents))
    _print_hits(f"{query} — guidance", list(results.guidance))


def _read_queries(handle: TextIO) -> list[str]:
    """One query per line: plain text, or a JSON object with a "query" string (JSONL)."""
    queries: list[str] = []
    for number, line in enumerate(handle, start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as error:
                raise click.BadParameter(
                    f"line {number}: not valid JSON ({str(error)[:80]})", param_hint="--queries"
                ) from error
            query = record.get("query") if isinstance(record, dict) else None
            if not isinstance(query, str):
                raise click.BadParameter(
                    f'line {number}: a JSON line must be an object with a "query" string',
                    param_hint="--queries",
                )
            queries.append(query)
        else:
            queries.append(line)
    return queries


def _print_hits(query: str, hits: list[Hit]) -> None:
    rows = []
    for hit in hits:
        pages = "" if hit.page_start is None else f"{hit.page_start}-{hit.page_end}"
        passage = hit.text if len(hit.text) <= 300 else hit.text[:300] + "…"
        rows.append(
            (
                str(hit.rank),
                f"{hit.score:.3f}",
                hit.doc_id,
                hit.kind,
                f"{hit.part}: {hit.path}",
                pages,
                hit.language,
                passage,
            )
        )
    print_table(
        ("#", "score", "document", "kind", "where", "pages", "lang", "passage"),
        rows,
        title=f"Results for: {query}",
        show_lines=True,
    )


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Documents, chunks, model, when indexed and failed files."""
    report = _knowledge_base(ctx).status()
    if as_json:
        click.echo(
            _json_line(
                {
                    "documents": report.documents,
                    "units": report.units,
                    "chunks": report.chunks,
                    "model": report.model,
                    "dimension": report.dimension,
                    "indexed_at": report.indexed_at,
                    "failures": [{"file": f, "reason": r} for f, r in report.failures],
                    "taxonomy_sha256": report.taxonomy_sha256,
                    "glossary_sha256": report.glossary_sha256,
                    "slots_stale": report.slots_stale,
                },
            )
        )
        return
    _echo(f"index:      {_knowledge_base(ctx).location}")
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
    else:
        click.echo("clause slots: up to date with the taxonomy")
    click.echo(f"failed files: {len(report.failures)}")
    for path, reason in report.failures:
        _echo(f"  {path}: {reason}")


@main.command()
@click.argument("doc_id")
@click.pass_context
def remove(ctx: click.Context, doc_id: str) -> None:
    """Remove a document from the index."""
    if not workbench.remove_document(_workbench(ctx), doc_id):
        err.print(f"no such document: {_markup(doc_id)}", highlight=False)
        sys.exit(1)
    _echo(f"removed {doc_id}")


# ---- clause intelligence (readmit.clauses) ---------------------------------------------------


def _open_output(path: Path | None) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout


@main.command()
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Write the matrix as CSV.")
@click.option("--all", "all_documents", is_flag=True, help="Include conventions too.")
@click.pass_context
def matrix(ctx: click.Context, csv_path: Path | None, all_documents: bool) -> None:
    """Precedent matrix: agreements × clause types; cells list the articles ("?" = uncertain)."""
    from readmit.clauses.matrix import precedent_matrix, write_matrix_csv

    table = precedent_matrix(_knowledge_base(ctx), all_documents=all_documents)
    if csv_path is not None:
        with _open_output(csv_path) as handle:
            write_matrix_csv(table, handle)
        size = f"{len(table.documents)} agreements × {len(table.slots)} slots"
        err.print(f"wrote {size} to {_markup(csv_path)}", highlight=False)
        return
    write_matrix_csv(table, sys.stdout)


@main.command("time-limits")
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
    from readmit.clauses.time_limits import (
        period_text,
        time_limit_table,
        write_time_limits_csv,
    )
    from readmit.time_limit_filter import PeriodError, filter_time_limits, parse_period

    try:
        low = parse_period(minimum) if minimum is not None else None
        high = parse_period(maximum) if maximum is not None else None
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--min/--max") from error
    rows = filter_time_limits(
        time_limit_table(_knowledge_base(ctx), all_documents=all_documents),
        purposes=purposes,
        min_days=low,
        max_days=high,
    )
    if csv_path is not None:
        with _open_output(csv_path) as handle:
            write_time_limits_csv(rows, handle)
        err.print(f"wrote {len(rows)} time limits to {_markup(csv_path)}", highlight=False)
        return
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


@main.command("slots")
@click.argument("slot", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def slots_command(ctx: click.Context, slot: str | None, as_json: bool) -> None:
    """List the clause types, or every article of SLOT grouped by agreement."""
    from ingest.taxonomy import SLOTS, UnknownSlotError
    from readmit.clauses.matrix import slot_articles
    from readmit.clauses.time_limits import period_text

    if slot is None:
        for known in SLOTS:
            _echo(f"{known.key:28} {known.title}")
        return
    try:
        groups = slot_articles(_knowledge_base(ctx), slot)
    except UnknownSlotError as error:
        raise click.BadParameter(str(error), param_hint="SLOT") from error
    if as_json:
        payload = [
            {
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
                        "time_limits": [
                            {
                                "number": t.number,
                                "unit": t.unit,
                                "purpose": t.purpose,
                                "text": t.text,
                            }
                            for t in a.time_limits
                        ],
                        "text": a.unit.text,
                    }
                    for a in group.articles
                ],
            }
            for group in groups
        ]
        click.echo(_json_line(payload))
        return
    for group in groups:
        _echo(f"== {group.title}")
        for a in group.articles:
            flag = " (uncertain)" if a.uncertain else ""
            limits = ", ".join(
                f"{period_text(t.number, t.unit)} ({t.purpose})" for t in a.time_limits
            )
            cited = cite_unit(
                eid=a.unit.eid,
                kind=a.unit.kind,
                label=a.unit.label,
                heading=(a.unit.heading or "").strip() or None,
            )
            _echo(
                f"  [{a.document.language}] {a.document.doc_id} {cited}{flag}"
                + (f" — {limits}" if limits else "")
            )


@main.command()
@click.argument("draft_id")
@click.option(
    "--drafts",
    "drafts_dir",
    type=str,
    default=None,
    help=f"Drafts folder or postgresql:// URL (env {DRAFTS_ENV}; default .readmit/drafts).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def gaps(ctx: click.Context, draft_id: str, drafts_dir: str | None, as_json: bool) -> None:
    """Standard clause types DRAFT_ID lacks, with the three commonest precedent wordings."""
    from readmit.clauses.gaps import gap_check
    from readmit.drafting.store import DraftStoreError

    wb = _workbench(ctx, drafts_dir=drafts_dir)
    try:
        draft = wb.drafting.get(draft_id)
    except DraftStoreError as error:
        err.print(f"error: {_markup(error)}", highlight=False)
        sys.exit(2)
    found = gap_check(wb.kb, draft)
    if as_json:
        click.echo(
            _json_line(
                [
                    {
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
                                    {"language": lang, "doc_id": d, "eid": e}
                                    for lang, d, e in p.versions
                                ],
                            }
                            for p in gap.precedents
                        ],
                    }
                    for gap in found
                ],
            )
        )
        return
    if not found:
        click.echo("The draft covers every standard clause type.")
    for gap in found:
        _echo(f"missing: {gap.slot} — {gap.title} (in {gap.agreements_with_slot} agreements)")
        for number, precedent in enumerate(gap.precedents, 1):
            sources = ", ".join(f"{d} {e}" for d, e in precedent.sources[:5])
            more = f" (+{len(precedent.sources) - 5} more)" if len(precedent.sources) > 5 else ""
            excerpt = " ".join(precedent.text.split())[:200]
            versions = "".join(
                f"\n     also in {language}: {doc_id} {eid}"
                for language, doc_id, eid in precedent.versions
            )
            _echo(
                f"  {number}. [{precedent.language}] used {precedent.count}×: {sources}{more}"
                f"{versions}\n     {excerpt}…"
            )


@main.command("eval")
@click.argument("queries_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-k", "k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--split",
    type=click.Choice(["dev", "heldout"]),
    default=None,
    help="Only one split of the query set (default: all queries).",
)
@click.option("--json", "as_json", is_flag=True, help="Summary and per-query scores as JSON.")
@click.pass_context
def eval_command(
    ctx: click.Context, queries_file: Path, k: int, split: str | None, as_json: bool
) -> None:
    """Search quality on a graded query set: nDCG, precision, recall, MRR, cross-language share."""
    from readmit.evaluation.search import evaluate, load_queries

    kb = _knowledge_base(ctx)
    summary = evaluate(load_queries(queries_file, split=split), lambda q, n: kb.search(q, k=n), k=k)
    if as_json:
        payload = summary.to_json() | {
            "per_query": [
                {
                    "id": s.query_id,
                    "query": s.text,
                    "ndcg": round(s.ndcg, 4),
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "rr": round(s.reciprocal_rank, 4),
                    "other_language_share": round(s.other_language_share, 4),
                }
                for s in summary.per_query
            ]
        }
        click.echo(_json_line(payload))
        return
    print_table(
        ("id", "query", f"nDCG@{k}", f"P@{k}", f"R@{k}", "RR", "other lang"),
        [
            (
                s.query_id,
                s.text,
                f"{s.ndcg:.3f}",
                f"{s.precision:.2f}",
                f"{s.recall:.2f}",
                f"{s.reciprocal_rank:.2f}",
                f"{s.other_language_share:.2f}",
            )
            for s in summary.per_query
        ],
        title=f"{queries_file.name}: {summary.queries} queries, k={k}",
    )
    click.echo(
        f"overall: nDCG@{k} {summary.ndcg:.4f}  precision@{k} {summary.precision:.4f}  "
        f"recall@{k} {summary.recall:.4f}  MRR {summary.mrr:.4f}  "
        f"other-language share {summary.other_language_share:.4f}"
    )


_DRAFTS_OPTION = click.option(
    "--drafts",
    "drafts_dir",
    type=str,
    default=None,
    help=f"Drafts folder or postgresql:// URL (env {DRAFTS_ENV}; default .readmit/drafts).",
)


@main.command("drafts")
@_DRAFTS_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def drafts_command(ctx: click.Context, drafts_dir: str | None, as_json: bool) -> None:
    """The saved drafts with their ids (what `export`, `gaps` and the app's ?draft= take)."""
    from readmit.drafting.store import open_draft_store

    listing = open_draft_store(_settings(ctx, drafts_dir=drafts_dir).drafts_dir).list()
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
        err.print(f"unreadable: {error}", highlight=False, markup=False)


@main.command("export")
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
@_DRAFTS_OPTION
@click.option(
    "--placeholders", is_flag=True, help="Party names become [Party A], [Party B] in the export."
)
@click.option(
    "--bilingual",
    "other_language",
    default="",
    metavar="LANG",
    help="Each article beside its source wording in the LANG version (en, nl, fr, de).",
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
    from readmit.drafting.export_text import ExportOptions
    from readmit.drafting.store import DraftStoreError
    from readmit.workbench import export_options

    drafting = _workbench(ctx, drafts_dir=drafts_dir).drafting
    target = output or Path(f"{draft_id}.{fmt}")
    try:
        draft = drafting.get(draft_id)
        if other_language:
            options = export_options(
                _knowledge_base(ctx),
                draft,
                placeholders=placeholders,
                author=author,
                other_language=other_language.lower(),
            )
        else:
            options = ExportOptions(placeholders=placeholders, author=author)
        if fmt == "docx":
            drafting.export_docx(draft_id, target, options=options)
        else:
            target.write_text(drafting.export_markdown(draft_id, options=options), encoding="utf-8")
    except DraftStoreError as error:
        err.print(f"error: {_markup(error)}", highlight=False)
        sys.exit(2)
    _echo(f"wrote {target}")


@main.command("documents")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), help="Write one row per item.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def documents_command(ctx: click.Context, csv_path: Path | None, as_json: bool) -> None:
    """Lists of accepted documents: proof and prima facie evidence of nationality and of the
    grounds for readmitting third-country nationals, as the articles and annexes enumerate them."""
    from readmit.clauses.accepted_documents import (
        accepted_documents,
        write_accepted_documents_csv,
    )

    lists = accepted_documents(_knowledge_base(ctx))
    if csv_path is not None:
        with _open_output(csv_path) as handle:
            write_accepted_documents_csv(lists, handle)
        items = sum(len(found.items) for found in lists)
        err.print(
            f"wrote {items} documents from {len(lists)} lists to {_markup(csv_path)}",
            highlight=False,
        )
        return
    if as_json:
        payload = [
            {
                "doc_id": found.doc_id,
                "eid": found.eid,
                "article": found.label,
                "heading": found.heading,
                "language": found.language,
                "kind": found.kind,
                "slot": found.slot,
                "lead_in": found.lead_in,
                "items": list(found.items),
                "page_start": found.page_start,
                "page_end": found.page_end,
            }
            for found in lists
        ]
        click.echo(_json_line(payload))
        return
    for found in lists:
        _echo(f"== {found.doc_id} {found.label} [{found.kind}] {found.lead_in}")
        for item in found.items:
            _echo(f"   - {item}")


@main.command("similar")
@click.argument("doc_id")
@click.argument("eid")
@click.option("-k", "k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="One JSON object, as search --json.")
@click.pass_context
def similar_command(ctx: click.Context, doc_id: str, eid: str, k: int, as_json: bool) -> None:
    """More like this: the same kind of provision as DOC_ID's EID in other agreements."""
    kb = _knowledge_base(ctx)
    if kb.article(doc_id, eid) is None:
        err.print(f"no such article: {_markup(doc_id)} {_markup(eid)}", highlight=False)
        sys.exit(1)
    hits = kb.more_like_this(doc_id, eid, k=k)
    if as_json:
        payload = {"query": f"{doc_id}#{eid}", "hits": [h.to_json() for h in hits]}
        click.echo(_json_line(payload))
    else:
        _print_hits(f"more like {doc_id} {eid}", hits)


@main.command("structure")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def structure_command(ctx: click.Context, doc_id: str, as_json: bool) -> None:
    """The structure of one indexed document: its units as a tree (eIds, headings)."""
    from readmit.guidance import table_of_contents

    kb = _knowledge_base(ctx)
    document = kb.document(doc_id)
    if document is None:
        err.print(f"no such document: {doc_id}", markup=False)
        sys.exit(1)
    entries = table_of_contents(kb.collection.list_units(doc_id))
    top_level = [entry.eid for entry in entries if entry.parent is None]
    if as_json:
        payload = {
            "doc_id": doc_id,
            "kind": document.kind,
            "units": len(entries),
            "top_level_eids": top_level,
            "tree": [
                {"eid": e.eid, "label": e.label, "depth": e.depth, "parent": e.parent}
                for e in entries
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(_plain(f"{doc_id} ({document.kind}): {len(entries)} units"))
    click.echo(_plain(f"top level: {', '.join(top_level)}"))
    for entry in entries:
        click.echo(_plain(f"{'  ' * entry.depth}{entry.eid:24} {entry.label}"))


@main.command("guidance")
@click.argument("slot", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def guidance_command(ctx: click.Context, slot: str | None, as_json: bool) -> None:
    """What the policy guides and regulations say about each clause type (or about SLOT)."""
    from ingest.taxonomy import UnknownSlotError, get_slot
    from readmit.guidance import guidance_by_slot

    if slot is not None:
        try:
            get_slot(slot)
        except UnknownSlotError as error:
            raise click.BadParameter(str(error), param_hint="SLOT") from error
    linked = guidance_by_slot(_knowledge_base(ctx))
    wanted = [slot] if slot is not None else sorted(linked)
    if as_json:
        payload = {
            key: [
                {
                    "doc_id": s.doc_id,
                    "kind": s.kind,
                    "eid": s.eid,
                    "path": s.path,
                    "citation": s.citation,
                    "confidence": s.confidence,
                }
                for s in linked.get(key, [])
            ]
            for key in wanted
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    for key in wanted:
        click.echo(f"{key}:")
        for section in linked.get(key, []):
            where = f"({section.doc_id} {section.eid})"
            click.echo(_plain(f"  {section.confidence:.2f}  {section.citation}  {where}"))


@main.command("copy")
@click.argument("source")
@click.argument("target")
def copy_command(source: str, target: str) -> None:
    """Copy the index at SOURCE to TARGET (folders or postgresql:// URLs) without re-embedding.

    TARGET ends up with exactly SOURCE's documents; counts and per-document checksums of texts
    and vectors are verified afterwards (exit 1 if anything differs).
    """
    from index.backend import location_label, recorded_model_at
    from index.copy import copy_index
    from index.embedders import make_embedder

    model = recorded_model_at(as_location(source))
    if model is None:
        raise click.ClickException(f"{location_label(as_location(source))} holds no index")
    report = copy_index(
        as_location(source),
        as_location(target),
        embedder=make_embedder(model),
        progress=lambda done, total: err.print(f"copied {done}/{total} documents", end="\r"),
    )
    err.print(
        f"copied {report.documents} documents, {report.units} units, {report.chunks} chunks "
        f"to {escape(location_label(as_location(target)))}"
        + (f"; removed {len(report.removed)} it had beyond the source" if report.removed else "")
    )
    for problem in report.problems:
        err.print(f"[red]problem:[/red] {escape(problem)}")
    if report.problems:
        sys.exit(1)
    err.print("verified: counts and checksums match")


def _move_drafts(source: str, target: str) -> None:
    from readmit.drafting.store import DraftStoreError, StaleDraftError, open_draft_store

    src, dst = open_draft_store(as_location(source)), open_draft_store(as_location(target))
    moved = refused = 0
    for summary in src.list():
        draft = src.load(summary.draft_id)
        try:
            base = dst.load(draft.draft_id).revision if dst.exists(draft.draft_id) else None
            if base is not None and dst.load(draft.draft_id).updated_at > draft.updated_at:
                raise StaleDraftError(draft.draft_id, None, base)  # the target's is newer
            dst.commit(replace(draft, revision=base), operation=f"copied from {src.location}")
            moved += 1
        except DraftStoreError as error:
            refused += 1
            err.print(f"[yellow]kept the target's version:[/yellow] {escape(str(error))}")
    for unreadable in src.list().errors:
        err.print(f"[yellow]unreadable, not copied:[/yellow] {escape(str(unreadable))}")
    err.print(f"{moved} drafts copied to {escape(dst.location)}, {refused} left as they were")


@main.command("push-drafts")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.argument("server")
def drafts_push(folder: Path, server: str) -> None:
    """Copy the drafts of a local FOLDER to SERVER (a newer draft there is never overwritten)."""
    _move_drafts(str(folder), server)


@main.command("pull-drafts")
@click.argument("server")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def drafts_pull(server: str, folder: Path) -> None:
    """Copy the drafts of SERVER into a local FOLDER (a newer draft there is never overwritten)."""
    _move_drafts(server, str(folder))


# ---- users and the audit log (readmit.access) ------------------------------------------------


@main.group("users")
def users_group() -> None:
    """Accounts of a group deployment (READMIT_USERS, or the index database in server mode)."""


def _users_admin(ctx: click.Context) -> tuple[AccountStore, Principal]:
    """The users store, and who changes it: anyone may set up the first account (they can
    write the file or the database anyway); once accounts exist, `--user` must name a
    maintainer."""
    users = _gate(ctx).accounts
    name = ctx.find_root().obj.get("user")
    principal = LOCAL_MAINTAINER if users.is_empty() and not name else _principal(ctx)
    principal_may = principal.may(Action.MANAGE_USERS)
    if not principal_may:
        raise AccessDeniedError(
            f"{principal.name} ({principal.role.value}) may not manage users: "
            "that needs the maintainer role"
        )
    return users, principal


@users_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["reader", "drafter", "maintainer"]),
    required=True,
    help="reader: search, read, export; drafter: also drafts; maintainer: also the corpus.",
)
@click.option("--group", "groups", multiple=True, help="A group the user belongs to (repeatable).")
@click.option(
    "--password/--no-password",
    "set_password",
    default=True,
    help="Ask for a password (default), or none: the user signs in through the identity "
    "provider (NAME is then their e-mail address).",
)
@click.pass_context
def users_add(
    ctx: click.Context, name: str, role: str, groups: tuple[str, ...], set_password: bool
) -> None:
    """Add a user (or change an existing one's role, groups and password)."""
    users, principal = _users_admin(ctx)
    validate_user_name(name)  # before asking for a password that would then be refused
    validate_groups(groups)
    password = (
        click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if set_password
        else None
    )
    existed = users.get(name) is not None
    account = users.add(name, role=parse_role(role), groups=groups, password=password)
    _gate(ctx).audit.record(
        principal,
        "user.update" if existed else "user.add",
        name,
        f"role={account.role.value} groups={list(account.groups)}",
    )
    click.echo(f"{'updated' if existed else 'added'} {name} ({account.role.value})")


@users_group.command("remove")
@click.argument("name")
@click.pass_context
def users_remove(ctx: click.Context, name: str) -> None:
    """Remove a user."""
    users, principal = _users_admin(ctx)
    if not users.remove(name):
        err.print(f"no such user: {_markup(name)}", highlight=False)
        sys.exit(1)
    _gate(ctx).audit.record(principal, "user.remove", name)
    click.echo(f"removed {name}")


@users_group.command("import")
@click.argument("users_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def users_import(ctx: click.Context, users_file: Path) -> None:
    """Copy the accounts of a users file (password hashes as they are) into this deployment's
    accounts, e.g. into the database when moving to server mode; existing names are kept."""
    users, principal = _users_admin(ctx)
    copied = users.import_from(UserStore(users_file))
    for name in copied:
        _gate(ctx).audit.record(principal, "user.add", name, f"imported from {users_file.name}")
    click.echo(f"imported {len(copied)} account(s)")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every user with role, groups and whether they have a password (never the hash)."""
    users, _ = _users_admin(ctx)
    accounts = users.list()
    if as_json:
        payload = [
            {
                "name": a.name,
                "role": a.role.value,
                "groups": list(a.groups),
                "password": a.has_password,
            }
            for a in accounts
        ]
        click.echo(_json_line(payload))
        return
    for a in accounts:
        sign_in = "password" if a.has_password else "identity provider"
        click.echo(f"{a.name:32} {a.role.value:10} {','.join(a.groups) or '-':20} {sign_in}")


@main.command("audit")
@click.option("--who", default=None, help="Only this user's changes.")
@click.option("--action", default=None, help="Only actions starting with this, e.g. draft.")
@click.option("-n", "limit", default=50, show_default=True, type=click.IntRange(1, None))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def audit_command(
    ctx: click.Context, who: str | None, action: str | None, limit: int, as_json: bool
) -> None:
    """Who changed what and when (drafts, uploads, removals, re-indexes, users); newest first."""
    _workbench(ctx).authorise(Action.READ_AUDIT)
    entries = _gate(ctx).audit.entries(user=who, action=action, limit=limit)
    for entry in entries:
        if as_json:
            click.echo(_json_line(dataclasses.asdict(entry)))
        else:
            _echo(entry.describe())  # targets and details may come from file names
