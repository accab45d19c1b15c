"""Query highlighting marks whole words that are forms of the query's words, nothing else."""

from __future__ import annotations

import re

from readmit.ui.render import highlight


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_whole_words_and_their_forms_only() -> None:
    text = (
        "The longer time limit; a long period. Stateless persons and States. "
        "The requested State requests a reply within 12 days, not 121."
    )
    assert marked(highlight(text, "long state request 12")) == [
        "long", "States", "requested", "State", "requests", "12",
    ]


def test_dutch_text_is_stemmed_as_dutch() -> None:
    text = "Het verzoek om overname; verzoeken worden beantwoord door de verzoekende Partij."
    assert marked(highlight(text, "verzoek overname", language="nl")) == [
        "verzoek", "overname", "verzoeken", "verzoekende",  # Dutch Snowball: one stem
    ]


def test_document_text_stays_escaped_around_marks() -> None:
    html = highlight("<b>costs</b> & Costs", "costs")
    assert html == "&lt;b&gt;<mark>costs</mark>&lt;/b&gt; &amp; <mark>Costs</mark>"
