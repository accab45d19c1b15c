"""HTML fragments for the app: document text is always escaped, our markup is added after.

Every character that comes from a document, a draft or a file name passes through
`html.escape` before it reaches the page; the only tags in the output are the ones built here
(<mark>, <ins>, <del>, <p>, <span class=...>). The fragments are shown with `st.html`, which
does not interpret Markdown, so `**bold**`, `[link](...)` or `:red[x]` in a treaty stay text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from readmit.facade import SECTIONS, DiffSegment, UnitRecord, inert_text, word_stem

# The skeleton sections of a draft, in order, and their titles (every page that offers them).
SECTION_KEYS = [section.key for section in SECTIONS]
SECTION_TITLES = {section.key: section.title for section in SECTIONS}

# Words too common to be worth highlighting (the languages of the corpus).
_STOPWORDS = frozenset(
    # ruff: SIM905 prefers a list literal; a word block is easier to read and extend.
    """
    the and for with from that this which shall may must are was were has have had not
    any all its their his her into onto upon than then them they who whom whose what when
    where how does did can could would should other such only also been being per
    een het van voor met door naar dat die deze dit zijn worden wordt niet bij als aan
    over uit tot ook nog wel des les une pour par avec dans que qui sur aux est sont pas
    der die das und den dem des mit von für auf ist sind nicht eine einer eines
    """.split()  # noqa: SIM905
)
_WORD = re.compile(r"\w+", re.UNICODE)


def escape(text: object) -> str:
    """Escape anything for HTML (quotes too, so it is also safe inside attributes)."""
    return html.escape(inert_text(str(text)), quote=True)


def query_terms(query: str) -> list[str]:
    """The words of a query worth highlighting: numbers, and words of 3+ letters."""
    terms: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word in _STOPWORDS or word in terms:
            continue
        if word.isdigit() or len(word) >= 3:
            terms.append(word)
    return terms


def highlight(text: str, query: str, *, language: str = "en") -> str:
    """`text` escaped for HTML, with the words that are forms of the query's words in <mark>.

    Whole words only, compared by their stems in the text's `language` ("request" marks
    "requests" and "requested"; "long" does not mark "longer", nor "state" "stateless").
    Every piece (matched or not) is escaped on its own, so a mark can never land inside an
    entity such as `&amp;`.
    """
    terms = query_terms(query)
    if not terms:
        return escape(text)
    wanted = {word_stem(term, language) for term in terms}
    out: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word.isdigit():
            if word not in terms:
                continue
        elif len(word) < 3 or word_stem(word, language) not in wanted:
            continue
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(word)}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def passage(
    text: str, *, query: str = "", language: str = "en", css_class: str = "rdm-text"
) -> str:
    """A block of document text (line breaks kept) with optional query highlighting."""
    body = highlight(text, query, language=language) if query else escape(text)
    return f'<div class="{css_class}">{body}</div>'


def paragraphs_html(paragraphs: Iterable[str], *, query: str = "") -> str:
    return "".join(
        f'<p class="rdm-para">{highlight(p, query) if query else escape(p)}</p>' for p in paragraphs
    )


def diff_html(segments: Sequence[DiffSegment]) -> str:
    """A word diff with deletions struck through and insertions underlined (text escaped)."""
    out: list[str] = []
    for segment in segments:
        if segment.kind == "equal":
            out.append(escape(segment.text))
            continue
        body = segment.text.rstrip()
        if not body:  # a change of spacing only
            out.append(escape(segment.text) if segment.kind == "insert" else "")
            continue
        tag = "del" if segment.kind == "delete" else "ins"
        out.append(f"<{tag}>{escape(body)}</{tag}>{escape(segment.text[len(body) :])}")
    return f'<div class="rdm-text rdm-diff">{"".join(out)}</div>'


def pages_label(page_start: int | None, page_end: int | None) -> str:
    """ "p. 6", "pp. 6–7" or "" for sources without pages."""
    if page_start is None:
        return ""
    if page_end is None or page_end == page_start:
        return f"p. {page_start}"
    return f"pp. {page_start}–{page_end}"


def citation_and_body(chunk_text: str, *, has_citation_line: bool = True) -> tuple[str, str]:
    """A chunk's first line is its citation line ("Article 7 — Time limits"); split it off.
    An untitled preamble or signature block has none (`Hit.has_citation_line`): all body."""
    if not has_citation_line:
        return "", chunk_text
    first, _, rest = chunk_text.partition("\n")
    if not rest:
        return "", chunk_text
    return first.strip(), rest


def badge(text: str, *, kind: str = "") -> str:
    css = f"rdm-badge rdm-badge-{kind}" if kind else "rdm-badge"
    return f'<span class="{css}">{escape(text)}</span>'


def meta_line(items: Iterable[str]) -> str:
    """Escaped items joined with a middle dot (empty items dropped)."""
    return " · ".join(escape(item) for item in items if item)


STYLESHEET = """
<style>
.rdm-text { font-family: "Source Serif 4", "Source Serif Pro", Georgia, "Times New Roman", serif;
  font-size: 1.0rem; line-height: 1.55; white-space: pre-wrap; color: #1f2328; }
.rdm-para { font-family: "Source Serif 4", "Source Serif Pro", Georgia, "Times New Roman", serif;
  font-size: 1.0rem; line-height: 1.55; margin: 0 0 0.6rem 0; white-space: pre-wrap; }
.rdm-text mark, .rdm-para mark { background: #fff1a8; color: inherit; padding: 0 1px;
  border-radius: 2px; }
.rdm-cite { font-weight: 600; font-size: 1.02rem; color: #0b3d62; margin-bottom: 0.1rem; }
.rdm-doc { font-size: 0.86rem; color: #4a5561; margin-bottom: 0.45rem; }
.rdm-small { font-size: 0.82rem; color: #5b6670; }
.rdm-badge { display: inline-block; font-size: 0.72rem; letter-spacing: 0.02em;
  text-transform: uppercase; padding: 1px 7px; margin-right: 4px; border-radius: 10px;
  background: #eef2f6; color: #34495e; border: 1px solid #d5dde5; vertical-align: 1px; }
.rdm-badge-verbatim { background: #e8f4ec; color: #1e6b3a; border-color: #c4e3cf; }
.rdm-badge-edited { background: #fff4e0; color: #8a5300; border-color: #f1d9ad; }
.rdm-badge-drafted { background: #eef0ff; color: #3a3f9a; border-color: #d3d7fa; }
.rdm-diff del { background: #fde2e1; color: #8b1a1a; text-decoration: line-through; }
.rdm-diff ins { background: #dff3e4; color: #14522b; text-decoration: underline; }
.rdm-meta { font-size: 0.88rem; border-collapse: collapse; width: 100%; }
.rdm-meta th { text-align: left; font-weight: 600; color: #4a5561; padding: 3px 10px 3px 0;
  vertical-align: top; width: 9.5rem; }
.rdm-meta td { padding: 3px 0; vertical-align: top; word-break: break-word; }
section[data-testid="stSidebar"] .rdm-meta th { width: 6.2rem; }
.stAppDeployButton { display: none; }
button[data-testid="stBaseButton-primary"] { background-color: #0b3d62; border-color: #0b3d62; }
button[data-testid="stBaseButton-primary"]:hover { background-color: #155a8a;
  border-color: #155a8a; }
</style>
"""


def safe_link(url: str | None) -> str:
    """An <a> for http(s) URLs only (never javascript: or data:); other values as text."""
    if not url:
        return ""
    if re.fullmatch(r"https?://[^\s\"'<>]+", url):
        link = escape(url)
        return f'<a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a>'
    return escape(url)


def meta_table(rows: Iterable[tuple[str, str]], *, raw_html: frozenset[str] = frozenset()) -> str:
    """A two-column facts table; values are escaped unless their label is in `raw_html`
    (used only for values this module built, such as `safe_link`)."""
    cells = "".join(
        f"<tr><th>{escape(label)}</th><td>{value if label in raw_html else escape(value)}</td></tr>"
        for label, value in rows
        if value
    )
    return f'<table class="rdm-meta">{cells}</table>'


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$^=&])")


def md_escape(text: str) -> str:
    """Text for a Streamlit element that interprets Markdown (alerts, labels): every ASCII
    punctuation mark Markdown or Streamlit directives use is backslash-escaped."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def plural(count: int, noun: str) -> str:
    """ "1 article", "3 articles"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def unit_body(unit: UnitRecord) -> str:
    """A unit's text as HTML: its paragraphs, or the whole text when it has none."""
    if unit.paragraphs:
        return paragraphs_html(p.text for p in unit.paragraphs)
    return passage(unit.text)
