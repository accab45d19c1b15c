"""Search result cards through AppTest: one badge per fact, and the guidance column's actions
laid out on two rows (a narrow column squeezed five controls into "R." and "P.")."""

from __future__ import annotations

import re
from pathlib import Path

from tests.harness.app_index import QUERY, html_bodies, run_ok, start

BADGE = re.compile(r'<span class="rdm-badge[^"]*">([^<]*)</span>')


def test_cards_show_the_kind_once_and_guidance_actions_on_two_rows(
    app_env: dict[str, Path],
) -> None:
    at = start()
    at.text_input(key="query").set_value(QUERY)
    run_ok(at)
    cards = [body for body in html_bodies(at) if 'class="rdm-cite"' in body]
    assert cards
    for card in cards:
        badges = [b.lower() for b in BADGE.findall(card)]
        assert len(badges) == len(set(badges)), badges
    assert any("agreement" in BADGE.findall(card) for card in cards)
    # A guidance card (the probe guide) has its five controls in two rows of columns: three
    # (Read, Pin, Cite), then two (section, Add to draft).
    guide = at.get("flex_container")  # containers, including the cards' bordered boxes
    guide_cards = [c for c in guide if c.key and str(c.key).startswith("guide_")]
    assert guide_cards
    rows = [
        len(list(block.children.values()))
        for block in guide_cards[0].children.values()
        if type(block).__name__ == "Block"
    ]
    assert rows == [3, 2], rows
