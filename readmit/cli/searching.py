"""`readmit search`, `similar`, `structure`, `guidance` and `eval`: finding and reading."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from readmit.cli.output import (
    err,
    json_line,
    markup,
    plain,
    print_hits,
    print_table,
    say,
)
from readmit.cli.root import readmit
from readmit.facade import (
    DOCUMENT_KINDS,
    EXPORT_LANGUAGES,
    PARTS,
    EvalSummary,
    Readmit,
    SearchFilters,
    UnknownSlotError,
    get_slot,
)


@click.command()
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
    "--lang",
    "languages",
    multiple=True,
    help=f"Only documents in these languages ({', '.join(EXPORT_LANGUAGES)}).",
)
@click.option("--part", "parts", multiple=True, type=click.Choice(PARTS))
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
    /,
    query: str | None,
    k: int,
    as_json: bool,
    queries_file: TextIO | None,
    grouped: bool,
    guidance_k: int,
    **filter_values: Any,
) -> None:
    """Search the indexed clauses and guidance sections."""
    if (query is None) == (queries_file is None):
        raise click.UsageError("give either a QUERY or --queries FILE")
    filters = SearchFilters(**filter_values)  # the filter options are named as its fields
    app = readmit(ctx)
    for text in read_queries(queries_file) if queries_file is not None else [query or ""]:
        if grouped:
            print_grouped(app, text, k=k, guidance_k=guidance_k, filters=filters, as_json=as_json)
            continue
        results = app.search(text, k=k, filters=filters)
        if as_json:
            hits = [h.to_json() for h in results.hits]
            click.echo(json_line({"query": text, "good_match": results.good_match, "hits": hits}))
            continue
        if results.hits and not results.good_match:
            say(
                f"No good match for {repr(text)}: nothing indexed is close to it; "
                "the closest articles follow."
            )
        print_hits(text, results.hits)


def print_grouped(
    app: Readmit, query: str, *, k: int, guidance_k: int, filters: SearchFilters, as_json: bool
) -> None:
    results = app.search_grouped(query, k=k, guidance_k=guidance_k, filters=filters)
    if as_json:
        payload = {
            "query": query,
            "good_match": results.good_match,
            "precedents": [h.to_json() for h in results.precedents],
            "guidance": [h.to_json() for h in results.guidance],
        }
        click.echo(json_line(payload))
        return
    if not results.good_match and (results.precedents or results.guidance):
        say(
            f"No good match for {repr(query)}: nothing indexed is close to it; "
            "the closest articles and sections follow."
        )
    print_hits(f"{query} — precedents", results.precedents)
    print_hits(f"{query} — guidance", results.guidance)


def read_queries(handle: TextIO) -> list[str]:
    """One query per line: plain text, or a JSON object with a "query" string (JSONL)."""
    queries: list[str] = []
    for number, line in enumerate(handle, start=1):
        line = line.strip()
        if not line:
            continue
        if not line.startswith("{"):
            queries.append(line)
            continue
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
    return queries


@click.command("similar")
@click.argument("doc_id")
@click.argument("eid")
@click.option("-k", "k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="One JSON object, as search --json.")
@click.pass_context
def similar_command(ctx: click.Context, doc_id: str, eid: str, k: int, as_json: bool) -> None:
    """More like this: the same kind of provision as DOC_ID's EID in other agreements."""
    app = readmit(ctx)
    if app.article(doc_id, eid) is None:
        err.print(f"no such article: {markup(doc_id)} {markup(eid)}", highlight=False)
        sys.exit(1)
    hits = app.similar(doc_id, eid, k=k)
    if as_json:
        payload = {"query": f"{doc_id}#{eid}", "hits": [h.to_json() for h in hits]}
        click.echo(json_line(payload))
    else:
        print_hits(f"more like {doc_id} {eid}", hits)


@click.command("structure")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def structure_command(ctx: click.Context, doc_id: str, as_json: bool) -> None:
    """The structure of one indexed document: its units as a tree (eIds, headings)."""
    app = readmit(ctx)
    document = app.document(doc_id)
    entries = app.structure(doc_id)
    if document is None or entries is None:
        err.print(f"no such document: {doc_id}", markup=False)
        sys.exit(1)
    top_level = [entry.eid for entry in entries if entry.parent is None]
    if as_json:
        tree = [
            {"eid": e.eid, "label": e.label, "depth": e.depth, "parent": e.parent} for e in entries
        ]
        payload = {"doc_id": doc_id, "kind": document.kind, "units": len(entries)}
        payload |= {"top_level_eids": top_level, "tree": tree}
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(plain(f"{doc_id} ({document.kind}): {len(entries)} units"))
    click.echo(plain(f"top level: {', '.join(top_level)}"))
    for entry in entries:
        click.echo(plain(f"{'  ' * entry.depth}{entry.eid:24} {entry.label}"))


@click.command("guidance")
@click.argument("slot", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def guidance_command(ctx: click.Context, slot: str | None, as_json: bool) -> None:
    """What the policy guides and regulations say about each clause type (or about SLOT)."""
    if slot is not None:
        try:
            get_slot(slot)
        except UnknownSlotError as error:
            raise click.BadParameter(str(error), param_hint="SLOT") from error
    linked = readmit(ctx).guidance_by_slot()
    wanted = [slot] if slot is not None else sorted(linked)
    if as_json:
        fields = ("doc_id", "kind", "eid", "path", "citation", "confidence")
        payload = {
            key: [{name: getattr(s, name) for name in fields} for s in linked.get(key, [])]
            for key in wanted
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    for key in wanted:
        click.echo(f"{key}:")
        for section in linked.get(key, []):
            where = f"({section.doc_id} {section.eid})"
            click.echo(plain(f"  {section.confidence:.2f}  {section.citation}  {where}"))


@click.command("eval")
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
    summary = readmit(ctx).evaluate(queries_file, k=k, split=split)
    if as_json:
        click.echo(json_line(summary.to_json() | {"per_query": per_query_json(summary)}))
    else:
        print_evaluation(summary, k=k, title=f"{queries_file.name}: {summary.queries} queries")


def per_query_json(summary: EvalSummary) -> list[dict[str, object]]:
    return [
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


def print_evaluation(summary: EvalSummary, *, k: int, title: str) -> None:
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
        title=f"{title}, k={k}",
    )
    click.echo(
        f"overall: nDCG@{k} {summary.ndcg:.4f}  precision@{k} {summary.precision:.4f}  "
        f"recall@{k} {summary.recall:.4f}  MRR {summary.mrr:.4f}  "
        f"other-language share {summary.other_language_share:.4f}"
    )


COMMANDS = (search, similar_command, structure_command, guidance_command, eval_command)
