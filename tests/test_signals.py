"""Unit tests of the corpus-side search signals' logic (index/signals.py); their effect on
quality is measured on the real corpus by tests/test_search_quality.py."""

from __future__ import annotations

import numpy as np

from index.signals import CorpusSignals, propagate_versions
from ingest.chunking import stable_chunk_id


def _signals() -> CorpusSignals:
    return CorpusSignals(
        versions={"treaty-en": ("treaty-nl",), "treaty-nl": ("treaty-en",)},
        slot_units={},
    )


def test_counterpart_is_the_same_eid_in_the_other_version() -> None:
    signals = _signals()
    assert signals.counterpart_chunks("treaty-en", "art_7") == [
        stable_chunk_id("treaty-nl", "art_7", 0)
    ]
    assert signals.counterpart_chunks("other-doc", "art_7") == []


def test_ranked_article_lifts_its_counterpart_by_the_share() -> None:
    english = stable_chunk_id("treaty-en", "art_7", 0)
    dutch = stable_chunk_id("treaty-nl", "art_7", 0)
    unrelated = stable_chunk_id("other-doc", "art_2", 0)
    fused = {english: 0.2, dutch: 0.05, unrelated: 0.1}
    units = {
        english: ("treaty-en", "art_7"),
        dutch: ("treaty-nl", "art_7"),
        unrelated: ("other-doc", "art_2"),
    }
    lifted = propagate_versions(fused, units, _signals(), share=0.5)
    assert np.isclose(lifted[dutch], 0.05 + 0.5 * 0.2)
    assert np.isclose(lifted[english], 0.2 + 0.5 * 0.05)
    assert lifted[unrelated] == 0.1
    # A counterpart that no retriever found enters the fusion with the share alone.
    only_english = propagate_versions({english: 0.2}, units, _signals(), share=0.5)
    assert np.isclose(only_english[dutch], 0.1)
