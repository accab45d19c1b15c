"""Draft page: the model agreement being assembled, clause by clause, in skeleton order.

Every change goes through the application facade, which saves the draft atomically, so a
refresh or a restart loses nothing. Widget keys:

- drafts: ``draft_select``, ``new_draft_title``, ``draft_create``, ``draft_title__r<rev>`` (rename),
  ``draft_parties__r<rev>`` (comma-separated party order for placeholders), ``draft_duplicate``,
  ``draft_delete_confirm``, ``draft_delete``; export: ``export_docx``, ``export_md``,
  ``export_placeholders``, ``export_other_language``, ``export_author``, ``export_redline``
  (Word with tracked changes against the sources);
  sharing: ``share_users``, ``share_groups`` (comma-separated), ``share_save``
- per clause (``<id>`` is the clause id; ``<rev>`` the draft revision the typed field's value
  came from, see `typed_key`): ``clause_heading__<id>__r<rev>``, ``clause_text__<id>__r<rev>``,
  ``clause_guidance__<id>`` (expander of guide sections),
  ``clause_guidance_add__<doc>__<eid>__<id>`` and ``clause_guidance_remove__<doc>__<eid>__<id>``
  (attach/detach a guidance note),
  ``clause_note__<id>__r<rev>``, ``clause_up__<id>``, ``clause_down__<id>``,
  ``clause_section__<id>``,
  ``clause_neutralise__<id>``, ``clause_revert__<id>``, ``clause_remove__<id>``; a typed edit
  refused because someone saved meanwhile stays on screen in ``clause_refused_<field>__<id>``
  with ``clause_keep_<field>__<id>`` (save it over theirs) and ``clause_drop_<field>__<id>``
- history: ``draft_history_pick``, ``draft_restore`` (asks first: ``draft_restore_confirm``)
- a reader (no drafting role) sees the clauses as text, without any edit control
- a clause of one's own: ``own_section``, ``own_heading``, ``own_text``, ``own_add``
- gap check (`readmit.ui.gap_check`): ``gap_check``, ``gap_add__<slot>__<n>``
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any

import streamlit as st

from readmit.facade import (
    DEFAULT_DRAFT_TITLE,
    EXPORT_LANGUAGES,
    SECTIONS,
    AccessDeniedError,
    Action,
    Draft,
    DraftClause,
    DraftError,
    DraftStoreError,
    ExportOptions,
    GuidanceSection,
    Readmit,
    StaleDraftError,
    article_numbering,
    draft_warnings,
    is_database_unreachable,
    language_label,
    ordered_clauses,
    word_diff,
)
from readmit.ui import gap_check, render
from readmit.ui.render import SECTION_KEYS, SECTION_TITLES, plural
from readmit.ui.state import (
    REFUSED_KEY,
    current_draft_id,
    ensure_default,
    flash,
    go_to,
    put,
    set_current_draft,
    show_flash,
    sync,
    value,
)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def clause_key(action: str, clause_id: str) -> str:
    return f"clause_{action}__{clause_id}"


def typed_key(field: str, clause_id: str, revision: int | None) -> str:
    """The widget key of a typed field (text, heading, note) carries the draft revision its
    value came from. A newer revision is a new widget, and a value the browser sends for an
    older one is saved over that older revision only: refused if anyone saved since, never
    written over a newer text."""
    return f"clause_{field}__{clause_id}__r{revision}"


def export_file_stem(title: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return stem[:80] or "draft"


def docx_bytes(wb: Readmit, draft_id: str, options: ExportOptions | None = None) -> bytes:
    buffer = BytesIO()
    wb.export_docx(draft_id, buffer, options=options)
    return buffer.getvalue()


def _export_options(wb: Readmit, draft: Draft) -> ExportOptions:
    """The export choices under the export buttons (the same for Word and Markdown)."""
    with st.expander("Export options"):
        left, middle, right = st.columns(3)
        placeholders = left.checkbox(
            "Party names as [Party A]/[Party B]", key="export_placeholders"
        )
        other = middle.selectbox(
            "Bilingual: beside the source wording in",
            ["", *EXPORT_LANGUAGES],
            format_func=lambda code: language_label(code) if code else "— (one language)",
            key="export_other_language",
        )
        ensure_default("export_author", wb.export_author)
        author = right.text_input("Author (document properties)", key="export_author")
    return wb.export_options(
        draft.draft_id, placeholders=placeholders, author=author, other_language=other
    )


def _guarded(action: Callable[[], object]) -> None:
    """Run a draft operation from a callback; a failure becomes a message, not a crash."""
    try:
        action()
    except (DraftError, DraftStoreError, AccessDeniedError) as error:
        flash("error", render.md_escape(str(error)))


# ---- draft-level callbacks ----------------------------------------------------------------


def _select_draft() -> None:
    set_current_draft(value("draft_select"))


def _create(wb: Readmit) -> None:
    title = str(value("new_draft_title") or "").strip() or DEFAULT_DRAFT_TITLE

    def create() -> None:
        draft = wb.create_draft(title)
        set_current_draft(draft.draft_id)
        put("new_draft_title", "")
        flash("success", f"Created “{render.md_escape(draft.title)}”.")

    _guarded(create)


def _rename(wb: Readmit, draft_id: str, revision: int) -> None:
    title = str(value(f"draft_title__r{revision}"))
    _guarded(lambda: wb.rename_draft(draft_id, title, based_on=revision))


def _set_parties(wb: Readmit, draft_id: str, revision: int) -> None:
    names = tuple(n.strip() for n in str(value(f"draft_parties__r{revision}")).split(","))
    _guarded(lambda: wb.set_party_names(draft_id, names, based_on=revision))


def _duplicate(wb: Readmit, draft: Draft) -> None:
    def duplicate() -> None:
        copy = wb.duplicate_draft(draft.draft_id, f"{draft.title} (copy)")
        set_current_draft(copy.draft_id)
        flash("success", f"Created the copy “{render.md_escape(copy.title)}”.")

    _guarded(duplicate)


def _delete(wb: Readmit, draft: Draft) -> None:
    if not value("draft_delete_confirm"):
        flash("warning", "Tick “Confirm deletion” first.")
        return

    def delete() -> None:
        wb.delete_draft(draft.draft_id)
        set_current_draft(None)
        put("draft_delete_confirm", False)
        flash("info", f"Deleted “{render.md_escape(draft.title)}”.")

    _guarded(delete)


def _add_own(wb: Readmit, draft_id: str) -> None:
    text = str(value("own_text") or "")
    if not text.strip():
        flash("warning", "Type the clause text first.")
        return

    def add() -> None:
        wb.add_text(
            draft_id,
            section=value("own_section") or SECTION_KEYS[1],
            text=text,
            heading=str(value("own_heading") or ""),
        )
        put("own_text", "")
        put("own_heading", "")

    _guarded(add)


# ---- clause-level callbacks ---------------------------------------------------------------


def _clause_action(wb: Readmit, draft_id: str, clause_id: str, action: str) -> None:
    operations: dict[str, Callable[[], object]] = {
        "up": lambda: wb.move_clause(draft_id, clause_id, -1),
        "down": lambda: wb.move_clause(draft_id, clause_id, 1),
        "section": lambda: wb.move_to_section(
            draft_id, clause_id, str(value(clause_key("section", clause_id)))
        ),
        "neutralise": lambda: wb.neutralise_clause(draft_id, clause_id),
        "revert": lambda: wb.revert_clause(draft_id, clause_id),
        "remove": lambda: wb.remove_clause(draft_id, clause_id),
    }
    _guarded(operations[action])


def _save_typed(
    wb: Readmit, draft_id: str, clause_id: str, field: str, text: str, based_on: int | None
) -> None:
    save = {"text": wb.update_text, "heading": wb.set_heading, "note": wb.set_note}[field]
    save(draft_id, clause_id, text, based_on=based_on)


def _typed_edit(wb: Readmit, draft_id: str, clause_id: str, field: str, revision: int) -> None:
    """Save a typed field over the revision its widget showed; if someone saved since, keep
    the typed text on screen (REFUSED_KEY) instead of losing or forcing it."""
    typed = str(value(typed_key(field, clause_id, revision)) or "")
    try:
        _save_typed(wb, draft_id, clause_id, field, typed, revision)
    except StaleDraftError:
        st.session_state.setdefault(REFUSED_KEY, {})[(clause_id, field)] = typed
        st.session_state[f"clause_refused_{field}__{clause_id}"] = typed  # the newest refused
        flash(
            "error",
            "Not saved: someone else changed this draft while you were typing. Their version "
            "is shown; your text is kept below the clause.",
        )
    except (DraftError, DraftStoreError, AccessDeniedError) as error:
        flash("error", render.md_escape(str(error)))
    except Exception as error:
        if not is_database_unreachable(error):
            raise
        st.session_state.setdefault(REFUSED_KEY, {})[(clause_id, field)] = typed
        st.session_state[f"clause_refused_{field}__{clause_id}"] = typed
        flash("error", "Not saved: the database is not reachable. Your text is kept.")


def _keep_refused(wb: Readmit, draft_id: str, clause_id: str, field: str, revision: int) -> None:
    """Save the kept text over the version now shown (the user has seen theirs)."""
    refused: dict[tuple[str, str], str] = st.session_state.get(REFUSED_KEY, {})
    text = str(value(f"clause_refused_{field}__{clause_id}") or refused.get((clause_id, field)))
    try:
        _save_typed(wb, draft_id, clause_id, field, text, revision)
    except StaleDraftError:
        refused[(clause_id, field)] = text
        flash("error", "Not saved: the draft changed again. Your text is still kept below.")
        return
    except (DraftError, DraftStoreError, AccessDeniedError) as error:
        flash("error", render.md_escape(str(error)))
        return
    refused.pop((clause_id, field), None)


def _drop_refused(clause_id: str, field: str) -> None:
    st.session_state.get(REFUSED_KEY, {}).pop((clause_id, field), None)


def _refused_edits(wb: Readmit, draft: Draft, clause_id: str) -> None:
    refused: dict[tuple[str, str], str] = st.session_state.get(REFUSED_KEY, {})
    for field in ("heading", "text", "note"):
        if (clause_id, field) not in refused:
            continue
        st.warning(f"Your {field}, not saved (someone else saved this draft meanwhile):")
        key = f"clause_refused_{field}__{clause_id}"
        ensure_default(key, str)
        if not st.session_state[key]:
            st.session_state[key] = refused[(clause_id, field)]
        st.text_area(f"Your {field} (not saved)", key=key, label_visibility="collapsed")
        keep, drop = st.columns(2)
        keep.button(
            "Save mine over theirs",
            key=f"clause_keep_{field}__{clause_id}",
            on_click=_keep_refused,
            args=(wb, draft.draft_id, clause_id, field, draft.revision),
        )
        drop.button(
            "Discard mine",
            key=f"clause_drop_{field}__{clause_id}",
            on_click=_drop_refused,
            args=(clause_id, field),
        )


def _attach(wb: Readmit, draft_id: str, clause_id: str, section: GuidanceSection) -> None:
    _guarded(lambda: wb.attach_guidance(draft_id, clause_id, section))


def _detach(wb: Readmit, draft_id: str, clause_id: str, doc_id: str, eid: str) -> None:
    _guarded(lambda: wb.detach_guidance(draft_id, clause_id, doc_id, eid))


# ---- rendering ----------------------------------------------------------------------------


def _guidance(wb: Readmit, draft_id: str, clause: DraftClause) -> None:
    """Beside the article: the guide sections for its clause types, which can be attached as
    cited guidance notes (exported as drafting notes, never as treaty text)."""
    cid = clause.clause_id
    for note in clause.guidance:
        note_col, remove_col = st.columns([6, 1], vertical_alignment="center")
        note_col.html(
            f'<div class="rdm-small"><em>Guidance note:</em> {render.escape(note.citation)}</div>'
        )
        remove_col.button(
            "Detach",
            key=clause_key(f"guidance_remove__{note.doc_id}__{note.eid}", cid),
            on_click=_detach,
            args=(wb, draft_id, cid, note.doc_id, note.eid),
        )
    sections = wb.clause_guidance(clause)
    attached = {(note.doc_id, note.eid) for note in clause.guidance}
    label = f"What the guidance says about this article ({plural(len(sections), 'section')})"
    with st.expander(label, expanded=False, key=clause_key("guidance", cid)):
        if not sections:
            st.caption("No guide section is linked to this article's clause types.")
        for section in sections:
            st.html(
                f'<div class="rdm-cite">{render.escape(section.path)}</div>'
                f'<div class="rdm-doc">{render.meta_line([section.title, section.kind])}</div>'
            )
            excerpt = section.text[:400] + ("…" if len(section.text) > 400 else "")
            st.html(render.passage(excerpt))
            st.button(
                "Attach as guidance note",
                key=clause_key(f"guidance_add__{section.doc_id}__{section.eid}", cid),
                disabled=(section.doc_id, section.eid) in attached,
                on_click=_attach,
                args=(wb, draft_id, cid, section),
            )


def _provenance_html(clause: DraftClause) -> str:
    status = render.badge(clause.status, kind=clause.status)
    source = clause.provenance
    if source is None:
        return f"<div>{status}<span class='rdm-small'>Drafted in this workbench</span></div>"
    pages = render.pages_label(source.page_start, source.page_end)
    details = render.meta_line(
        [
            source.title,
            source.citation,
            pages,
            source.official_reference or "",
            source.language.upper(),
        ]
    )
    return f"<div>{status}<span class='rdm-small'>Source: {details}</span></div>"


def _clause(
    wb: Readmit,
    draft: Draft,
    clause: DraftClause,
    number: int | None,
    *,
    first: bool,
    last: bool,
    warnings: tuple[str, ...] = (),
) -> None:
    cid = clause.clause_id
    did = draft.draft_id

    def callback(action: str) -> dict[str, Any]:
        return {"on_click": _clause_action, "args": (wb, did, cid, action)}

    def on_change(action: str) -> dict[str, Any]:
        return {"on_change": _clause_action, "args": (wb, did, cid, action)}

    def typed(field: str, stored: str) -> dict[str, Any]:
        key = typed_key(field, cid, draft.revision)
        ensure_default(key, lambda: stored)  # a new revision is a new key: never overwritten
        return {"key": key, "on_change": _typed_edit, "args": (wb, did, cid, field, draft.revision)}

    if not wb.may(Action.DRAFT):
        _read_only_clause(clause, number)
        return
    sync(clause_key("section", cid), clause.section)
    with st.container(border=True, key=f"clause_{cid}"):
        label = f"Article {number}" if number is not None else "Preamble"
        head_col, heading_col = st.columns([1, 4], vertical_alignment="center")
        head_col.html(f'<div class="rdm-cite">{render.escape(label)}</div>')
        heading_col.text_input(
            "Heading",
            label_visibility="collapsed",
            placeholder="Heading",
            **typed("heading", clause.heading),
        )
        st.html(_provenance_html(clause))
        for warning in warnings:  # a reference outside the draft or to a renumbered article
            st.warning(render.md_escape(warning), icon="⚠️")
        st.text_area(
            "Clause text",
            height=max(120, min(420, 24 * (clause.text.count("\n") + len(clause.text) // 110 + 2))),
            label_visibility="collapsed",
            **typed("text", clause.text),
        )
        if clause.is_edited and clause.provenance is not None:
            with st.expander("Changes from the source wording"):
                st.html(render.diff_html(word_diff(clause.original_text, clause.text)))
        st.text_input(
            "Drafter's note",
            placeholder="Drafter's note (exported in italics under the article)",
            **typed("note", clause.note),
        )
        _refused_edits(wb, draft, cid)
        _guidance(wb, did, clause)
        cols = st.columns([0.6, 0.6, 2.6, 1.3, 1.3, 1.0], vertical_alignment="bottom")
        cols[0].button(
            "↑", key=clause_key("up", cid), disabled=first, help="Move up", **callback("up")
        )
        cols[1].button(
            "↓", key=clause_key("down", cid), disabled=last, help="Move down", **callback("down")
        )
        cols[2].selectbox(
            "Move to section",
            SECTION_KEYS,
            format_func=SECTION_TITLES.__getitem__,
            key=clause_key("section", cid),
            label_visibility="collapsed",
            **on_change("section"),
        )
        cols[3].button(
            "Neutralise parties",
            key=clause_key("neutralise", cid),
            help="Replace state names with [Party A], [Party B]",
            width="stretch",
            **callback("neutralise"),
        )
        cols[4].button(
            "Revert to source",
            key=clause_key("revert", cid),
            disabled=not clause.is_edited or clause.provenance is None,
            width="stretch",
            **callback("revert"),
        )
        cols[5].button(
            "Remove", key=clause_key("remove", cid), width="stretch", **callback("remove")
        )


def _read_only_clause(clause: DraftClause, number: int | None) -> None:
    """A clause as a reader sees it: text, source and note, no control they may not use."""
    with st.container(border=True, key=f"clause_{clause.clause_id}"):
        label = f"Article {number}" if number is not None else "Preamble"
        heading = f" — {render.escape(clause.heading)}" if clause.heading else ""
        st.html(f'<div class="rdm-cite">{render.escape(label)}{heading}</div>')
        st.html(_provenance_html(clause))
        st.html(render.passage(clause.text))
        if clause.note:
            st.html(f'<div class="rdm-small"><em>{render.escape(clause.note)}</em></div>')


def _draft_controls(wb: Readmit, draft: Draft) -> None:
    # Keyed by the revision shown, like a clause's typed fields (`typed_key`): saved over that
    # revision only, refused if someone saved since.
    title_key, parties_key = f"draft_title__r{draft.revision}", f"draft_parties__r{draft.revision}"
    ensure_default(title_key, lambda: draft.title)
    ensure_default(parties_key, lambda: ", ".join(draft.party_names))
    title_col, parties_col = st.columns([3, 2])
    title_col.text_input(
        "Title", key=title_key, on_change=_rename, args=(wb, draft.draft_id, draft.revision)
    )
    parties_col.text_input(
        "Party order for placeholders",
        key=parties_key,
        placeholder="e.g. Benelux, Kazakhstan (first → [Party A])",
        on_change=_set_parties,
        args=(wb, draft.draft_id, draft.revision),
    )
    stem = export_file_stem(draft.title)
    options = _export_options(wb, draft)
    cols = st.columns([1.3, 1.3, 1, 1.4, 1], vertical_alignment="center")
    cols[0].download_button(
        "Export Word (.docx)",
        data=partial(docx_bytes, wb, draft.draft_id, options),  # built on click
        file_name=f"{stem}.docx",
        mime=DOCX_MIME,
        key="export_docx",
        type="primary",
        on_click="ignore",
        width="stretch",
    )
    cols[1].download_button(
        "Export Markdown",
        data=partial(wb.export_markdown, draft.draft_id, options=options),  # built on click
        file_name=f"{stem}.md",
        mime="text/markdown",
        key="export_md",
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        "Word with tracked changes against the sources",
        data=partial(wb.draft_redline, draft.draft_id),  # built on click, not every rerun
        file_name=f"{stem}-redline.docx",
        mime=DOCX_MIME,
        key="export_redline",
        on_click="ignore",
        help="Each clause taken from an agreement with your edits as tracked changes.",
    )
    cols[2].button("Duplicate", key="draft_duplicate", on_click=_duplicate, args=(wb, draft))
    cols[3].checkbox("Confirm deletion", key="draft_delete_confirm")
    cols[4].button("Delete", key="draft_delete", on_click=_delete, args=(wb, draft))
    _sharing(wb, draft)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _share(wb: Readmit, draft_id: str) -> None:
    def share() -> None:
        wb.share_draft(
            draft_id,
            users=_names(str(value("share_users") or "")),
            groups=_names(str(value("share_groups") or "")),
        )
        flash("success", "Sharing saved.")

    _guarded(share)


def _sharing(wb: Readmit, draft: Draft) -> None:
    """Who owns the draft and who else may open it; the owner (or a maintainer) changes it."""
    owner = draft.owner or "nobody (open to everyone)"
    shared = ", ".join([*draft.shared_users, *(f"group {g}" for g in draft.shared_groups)])
    with st.expander(f"Sharing — owner: {owner}; shared with: {shared or 'nobody'}"):
        if not wb.may_share(draft.draft_id):
            st.caption("Only the owner or a maintainer changes who may open this draft.")
            return
        sync("share_users", ", ".join(draft.shared_users))
        sync("share_groups", ", ".join(draft.shared_groups))
        users_col, groups_col, save_col = st.columns([2, 2, 1], vertical_alignment="bottom")
        users_col.text_input("Users (comma-separated)", key="share_users")
        groups_col.text_input("Groups (comma-separated)", key="share_groups")
        save_col.button(
            "Save sharing", key="share_save", on_click=_share, args=(wb, draft.draft_id)
        )


def _outline(draft: Draft) -> str:
    counts = {key: 0 for key in SECTION_KEYS}
    for clause in draft.clauses:
        counts[clause.section] += 1
    rows = "".join(
        f"<tr><th>{render.escape(section.title)}</th><td>{counts[section.key] or '—'}</td></tr>"
        for section in SECTIONS
    )
    return f'<table class="rdm-meta">{rows}</table>'


def _own_clause(wb: Readmit, draft: Draft) -> None:
    with st.expander("Write a clause of your own"):
        left, right = st.columns([2, 3])
        left.selectbox(
            "Section", SECTION_KEYS[1:], format_func=SECTION_TITLES.__getitem__, key="own_section"
        )
        right.text_input("Heading", key="own_heading")
        st.text_area("Text", key="own_text", height=140)
        st.button("Add clause", key="own_add", on_click=_add_own, args=(wb, draft.draft_id))


def _pick_draft(wb: Readmit) -> Draft | None:
    listing = wb.list_drafts()
    for error in listing.errors:
        st.warning(f"A draft file could not be read: {render.md_escape(str(error))}")
    ids = [summary.draft_id for summary in listing]
    current = current_draft_id()
    if current not in ids:
        current = ids[0] if ids else None
        set_current_draft(current)
        if current is not None:
            st.rerun()  # the sidebar, drawn before this page, names the draft picked here
    if current is None:
        return None
    labels = {
        s.draft_id: f"{s.title} — {plural(s.clause_count, 'clause')} — "
        f"saved {s.updated_at[:16].replace('T', ' ')} UTC"
        for s in listing
    }
    sync("draft_select", current)
    select_col, new_col, create_col = st.columns([3, 2, 1], vertical_alignment="bottom")
    select_col.selectbox(
        "Draft", ids, format_func=labels.__getitem__, key="draft_select", on_change=_select_draft
    )
    new_col.text_input("New draft", key="new_draft_title", placeholder=DEFAULT_DRAFT_TITLE)
    create_col.button("Create", key="draft_create", on_click=_create, args=(wb,), width="stretch")
    try:
        return wb.get_draft(current)
    except DraftStoreError as error:
        st.error(f"This draft cannot be opened: {render.md_escape(str(error))}")
        return None


def _restore(wb: Readmit, draft_id: str) -> None:
    revision = value("draft_history_pick")
    if not value("draft_restore_confirm"):
        flash("warning", "Tick “Confirm restore” first: restoring replaces the current version.")
        return
    if isinstance(revision, int):
        _guarded(lambda: wb.restore_draft(draft_id, revision))
        put("draft_restore_confirm", False)


def _history(wb: Readmit, draft: Draft) -> None:
    """Who saved what when; any earlier version can be restored or downloaded."""
    with st.expander("History"):
        try:
            entries = wb.draft_history(draft.draft_id)
        except DraftStoreError as error:
            st.warning(render.md_escape(str(error)))
            return
        if not entries:
            st.caption("No saved versions recorded yet.")
            return
        st.dataframe(
            [
                {
                    "Version": e.revision,
                    "When (UTC)": e.at[:19].replace("T", " "),
                    "Who": e.author,
                    "Operation": "deleted" if e.deleted else e.operation,
                    "Clauses": e.clause_count,
                }
                for e in entries
            ],
            hide_index=True,
            key="draft_history_table",
        )
        earlier = [e.revision for e in entries if not e.deleted and e.revision != draft.revision]
        if not earlier:
            return
        left, confirm, middle, right = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
        left.selectbox("Earlier version", earlier, key="draft_history_pick")
        pick = value("draft_history_pick")
        if wb.may(Action.DRAFT):  # readers may look and download, not restore
            confirm.checkbox("Confirm restore", key="draft_restore_confirm")
            middle.button(
                "Restore", key="draft_restore", on_click=_restore, args=(wb, draft.draft_id)
            )
        if isinstance(pick, int):
            right.download_button(
                "Markdown",
                data=wb.export_markdown(draft.draft_id, revision=pick),
                file_name=f"{export_file_stem(draft.title)}-v{pick}.md",
                mime="text/markdown",
                key="draft_history_export",
                on_click="ignore",
            )


def page(wb: Readmit) -> None:
    st.header("Draft the model agreement")
    show_flash()
    draft = _pick_draft(wb)
    if draft is None:
        st.info(
            "No draft yet. Create one here, or use “Add to draft” on a search result: "
            "a draft is created for you."
        )
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.text_input("New draft", key="new_draft_title", placeholder=DEFAULT_DRAFT_TITLE)
        right.button("Create", key="draft_create", on_click=_create, args=(wb,), width="stretch")
        return
    set_current_draft(draft.draft_id)
    _draft_controls(wb, draft)
    st.caption(
        f"{plural(len(draft.clauses), 'clause')} · saved automatically after every change · "
        f"last saved {draft.updated_at[:19].replace('T', ' ')} UTC · "
        f"draft id {draft.draft_id} (for `readmit export`)"
    )
    with st.expander("Skeleton outline"):
        st.html(_outline(draft))
    if not draft.clauses:
        st.info("This draft has no clauses yet. Search the precedents and use “Add to draft”.")
        st.button("Go to Search", key="draft_to_search", on_click=go_to, args=("Search",))
    checks = draft_warnings(draft)
    for check in checks:
        if check.clause_id is None:  # the whole draft, e.g. articles in different languages
            st.warning(render.md_escape(check.message), icon="⚠️")
    by_clause: dict[str, tuple[str, ...]] = {}
    for check in checks:
        if check.clause_id is not None:
            by_clause[check.clause_id] = (*by_clause.get(check.clause_id, ()), check.message)
    numbers = {clause.clause_id: number for number, clause in article_numbering(draft)}
    ordered = ordered_clauses(draft)
    for section in SECTIONS:
        in_section = [c for c in ordered if c.section == section.key]
        if not in_section:
            continue
        st.subheader(section.title, divider="gray")
        for position, clause in enumerate(in_section):
            _clause(
                wb,
                draft,
                clause,
                numbers[clause.clause_id],
                first=position == 0,
                last=position == len(in_section) - 1,
                warnings=by_clause.get(clause.clause_id, ()),
            )
    _own_clause(wb, draft)
    gap_check.section(wb, draft)
    _history(wb, draft)
