"""Maintain page: the state of the index, uploads of new documents, re-indexing.

Widget keys: ``upload_files`` (file uploader: PDF, DOCX, TXT, MD), ``upload_ingest`` (save the
uploads into the corpus folder and index them), ``reindex`` (index the corpus folder again:
only new or changed files are embedded), ``audit_log`` (the newest audit entries). The page is
for maintainers only (app.py refuses it to other roles; the workbench refuses their actions).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import streamlit as st

from readmit.facade import (
    MAX_UPLOAD_BYTES,
    UPLOAD_SUFFIXES,
    IndexLayerError,
    IngestReport,
    ProgressCallback,
    Readmit,
    UploadedFile,
)
from readmit.ui import render
from readmit.ui.state import last_run, set_last_run, show_flash

AUDIT_ROWS = 200


def _progress(label: str, count: int) -> ProgressCallback:
    bar = st.progress(0.0, text=f"{label}: 0 of {count} files")
    done = 0

    def on_file(path: Path, outcome: str) -> None:
        nonlocal done
        done += 1
        bar.progress(
            min(done / max(count, 1), 1.0),
            text=f"{label}: {done} of {count} — {path.name} ({outcome})",
        )

    return on_file


def _run_ingest(wb: Readmit, paths: Sequence[Path], label: str) -> IngestReport | None:
    files = wb.plan_ingest(paths)
    try:
        return wb.ingest(paths, on_file=_progress(label, len(files)))
    except IndexLayerError as error:  # e.g. another ingest holds the index
        st.error(str(error))
        return None


def _index_uploads(wb: Readmit, saved: Sequence[Path]) -> IngestReport | None:
    try:
        return wb.index_uploads(saved, on_file=_progress("Indexing uploads", len(saved)))
    except IndexLayerError as error:
        st.error(f"{error} — the uploads were not added.")
        return None


def _show_report(report: IngestReport, rejected: Sequence[tuple[str, str]]) -> None:
    summary = (
        f"Indexed {len(report.indexed)}, unchanged {len(report.unchanged)}, "
        f"removed {len(report.removed)}, failed {len(report.failed) + len(rejected)} "
        f"({report.chunks_embedded} passages embedded)."
    )
    if report.failed or rejected:
        st.warning(summary)
        st.dataframe(
            [{"File": name, "Reason": reason} for name, reason in [*rejected, *report.failed]],
            hide_index=True,
            width="stretch",
        )
    else:
        st.success(summary)
    for path, note in report.notes:
        # How a file was read; a missing article structure is a warning for the maintainer.
        show = st.warning if note.startswith("warning:") else st.info
        show(render.md_escape(f"{Path(path).name}: {note}"))
    for warning in report.warnings:
        st.warning(warning)
    if report.indexed:
        st.dataframe(
            [{"Indexed": Path(path).name} for path in report.indexed],
            hide_index=True,
            width="stretch",
        )


def _status(wb: Readmit) -> None:
    status = wb.status()
    cols = st.columns(4)
    cols[0].metric("Documents", status.documents)
    cols[1].metric("Articles and other units", status.units)
    cols[2].metric("Indexed passages", status.chunks)
    cols[3].metric("Failed files", len(status.failures))
    facts = [
        ("Embedding model", status.model or "—"),
        ("Dimension", str(status.dimension) if status.dimension else "—"),
        ("Last indexed", (status.indexed_at or "never").replace("T", " ")),
        ("Index", wb.index_location()),
        ("Drafts", wb.drafts_location()),
        ("Corpus folder", str(wb.corpus_dir())),
        ("Uploads folder", str(wb.uploads_dir())),
    ]
    st.html(render.meta_table(facts))
    if status.failures:
        st.subheader("Files that could not be indexed", divider="gray")
        st.dataframe(
            [{"File": path, "Reason": reason} for path, reason in status.failures],
            hide_index=True,
            width="stretch",
        )
    documents = wb.documents()
    if documents:
        st.subheader("Indexed documents", divider="gray")
        st.dataframe(
            [
                {
                    "Document": d.doc_id,
                    "Title": d.title,
                    "Lang.": d.language.upper(),
                    "Type": d.instrument_type,
                    "Year": d.year,
                    "Visible to": ", ".join(d.visibility) or "everyone",
                    "Units": d.unit_count,
                    "Passages": d.chunk_count,
                    "Pages": d.page_count,
                    "Indexed": d.indexed_at.replace("T", " ")[:19],
                }
                for d in sorted(documents, key=lambda d: d.doc_id)
            ],
            hide_index=True,
            width="stretch",
        )


def page(wb: Readmit) -> None:
    st.header("Maintain the corpus")
    show_flash()
    upload_col, reindex_col = st.columns([3, 2], gap="large")
    with upload_col:
        st.subheader("Add or replace documents", divider="gray")
        uploads = st.file_uploader(
            "PDF, Word (.docx), TXT or Markdown files "
            "(a file with the same name replaces the old one)",
            type=[suffix.lstrip(".") for suffix in UPLOAD_SUFFIXES],
            accept_multiple_files=True,
            key="upload_files",
            max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024),
        )
        st.caption(
            f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB per file. The document id is the "
            "file name without its extension. Uploads are kept with your data "
            f"({wb.uploads_dir}), not in the corpus folder, and indexed with it."
        )
        if st.button("Save and index", key="upload_ingest", type="primary", disabled=not uploads):
            files = [UploadedFile(name=f.name, data=f.getvalue()) for f in uploads or []]
            outcome = wb.save_uploads(files)
            report = _index_uploads(wb, outcome.saved) if outcome.saved else IngestReport()
            if report is not None:
                set_last_run((report, outcome.rejected))
                st.rerun()  # the sidebar (drawn before this page) shows the new document count
    with reindex_col:
        st.subheader("Re-index the corpus", divider="gray")
        st.caption(
            "Reads every document in the corpus and uploads folders; only new or changed files "
            "are embedded again, and documents whose file is gone are removed."
        )
        if st.button("Re-index corpus", key="reindex"):
            reindexed = _run_ingest(wb, wb.document_folders(), "Re-indexing")
            if reindexed is not None:
                set_last_run((reindexed, ()))
                st.rerun()
    stored = last_run()
    if stored is not None:
        st.subheader("Last run", divider="gray")
        _show_report(*stored)
    st.subheader("Index status", divider="gray")
    _status(wb)
    _audit(wb)


def _audit(wb: Readmit) -> None:
    """The newest changes (drafts, uploads, removals, re-indexes, users) with who made them."""
    st.subheader("Audit log", divider="gray")
    entries = wb.audit_entries(limit=AUDIT_ROWS)
    if not entries:
        st.caption("No changes recorded yet.")
        return
    st.caption(f"The newest {len(entries)} changes; `readmit audit` shows all of them.")
    st.dataframe(
        [
            {
                "When (UTC)": e.at.replace("T", " ")[:19],
                "Who": e.user,
                "Role": e.role,
                "Action": e.action,
                "What": e.target,
                "Detail": e.detail,
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
        key="audit_log",
    )
