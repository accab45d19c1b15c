"""Every embedder must pass the same contract test; the real models must also make sense."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from index.embedders import (
    E5Embedder,
    Embedder,
    HashingEmbedder,
    MiniLMEmbedder,
    embedder_key,
    make_embedder,
)
from index.errors import UnknownEmbedderError
from readmit.cli import main
from tests.harness.models import shared_embedder

REAL = [
    pytest.param("minilm", marks=pytest.mark.slow, id="minilm"),
    pytest.param("e5", marks=pytest.mark.slow, id="e5"),
]
ALL = [*REAL, pytest.param("hashing", id="hashing")]

TIME_LIMIT_QUERY = "time limit for replying to a readmission request"
TIME_LIMIT_EN = "The requested Party shall reply to the request within 12 days"
ENTRY_INTO_FORCE_EN = "This Agreement shall enter into force on the first day of the second month"
TIME_LIMIT_NL = "De aangezochte Partij beantwoordt het verzoek binnen 12 dagen"
ENTRY_INTO_FORCE_NL = "Deze Overeenkomst treedt in werking op de eerste dag van de tweede maand"
TEXTS = [TIME_LIMIT_EN, ENTRY_INTO_FORCE_EN, TIME_LIMIT_NL, "Article 12\nCosts"]



@pytest.fixture(params=ALL)
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return shared_embedder(request.param)


@pytest.fixture(params=REAL)
def real_embedder(request: pytest.FixtureRequest) -> Embedder:
    return shared_embedder(request.param)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))  # both unit length


def test_vectors_are_unit_float32_rows_of_the_declared_dimension(embedder: Embedder) -> None:
    for encode in (embedder.encode_documents, embedder.encode_queries):
        vectors = encode(TEXTS)
        assert vectors.shape == (len(TEXTS), embedder.dimension)
        assert vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert vectors.flags.c_contiguous


def test_empty_input_gives_an_empty_matrix(embedder: Embedder) -> None:
    assert embedder.encode_documents([]).shape == (0, embedder.dimension)
    assert embedder.encode_queries([]).shape == (0, embedder.dimension)


def test_a_bare_string_is_refused(embedder: Embedder) -> None:
    with pytest.raises(TypeError, match="sequence of strings"):
        embedder.encode_documents(TIME_LIMIT_EN)


def test_encoding_is_deterministic_and_independent_of_the_batch(embedder: Embedder) -> None:
    first = embedder.encode_documents(TEXTS)
    again = embedder.encode_documents(TEXTS)
    assert np.allclose(first, again, atol=1e-6)
    # A text embedded alone must get (numerically) the vector it gets inside a padded batch.
    alone = embedder.encode_documents([TEXTS[1]])[0]
    assert np.allclose(alone, first[1], atol=1e-4)


def test_queries_and_documents_are_encoded_as_the_model_declares(embedder: Embedder) -> None:
    query = embedder.encode_queries([TIME_LIMIT_EN])[0]
    document = embedder.encode_documents([TIME_LIMIT_EN])[0]
    if embedder.symmetric:
        assert np.allclose(query, document, atol=1e-5)
    else:
        # Asymmetric (E5): different prefixes give different vectors of the same meaning.
        similarity = _cosine(query, document)
        assert 0.7 < similarity < 0.999


def test_count_tokens_counts_every_token_without_truncation(embedder: Embedder) -> None:
    short = embedder.count_tokens(TIME_LIMIT_EN)
    longer = embedder.count_tokens(TIME_LIMIT_EN + " " + ENTRY_INTO_FORCE_EN)
    assert 0 < short < longer
    very_long = " ".join([TIME_LIMIT_EN] * 80)  # about a thousand words
    assert embedder.count_tokens(very_long) > embedder.max_tokens


def test_minilm_token_count_matches_the_models_own_tokenizer() -> None:
    embedder = MiniLMEmbedder()
    # [CLS] the requested party shall reply to the request within 12 days [SEP]
    assert embedder.count_tokens(TIME_LIMIT_EN) == 13
    assert embedder._model is None  # counting must not load the transformer


@pytest.mark.slow
def test_e5_token_count_includes_the_passage_prefix() -> None:
    embedder = shared_embedder("e5")
    assert isinstance(embedder, E5Embedder)
    # "passage: " costs tokens in front of every document, and <s> </s> close it.
    assert embedder.count_tokens("") >= 3
    assert embedder.count_tokens("hello world") == embedder.count_tokens("") + 2


def test_real_models_rank_the_time_limit_clause_above_entry_into_force(
    real_embedder: Embedder,
) -> None:
    query = real_embedder.encode_queries([TIME_LIMIT_QUERY])[0]
    on_topic, off_topic = real_embedder.encode_documents([TIME_LIMIT_EN, ENTRY_INTO_FORCE_EN])
    assert _cosine(query, on_topic) > _cosine(query, off_topic)


@pytest.mark.slow
def test_e5_matches_an_english_query_to_the_dutch_time_limit_clause() -> None:
    embedder = shared_embedder("e5")
    query = embedder.encode_queries([TIME_LIMIT_QUERY])[0]
    on_topic, off_topic = embedder.encode_documents([TIME_LIMIT_NL, ENTRY_INTO_FORCE_NL])
    assert _cosine(query, on_topic) > _cosine(query, off_topic)


def test_hashing_embedder_reflects_shared_words_only() -> None:
    embedder = HashingEmbedder(dimension=128)
    base, shared, unrelated = embedder.encode_documents(
        ["readmission request time limit", "time limit of the request", "entry into force"]
    )
    assert _cosine(base, shared) > _cosine(base, unrelated)
    assert embedder.encode_documents([""]).shape == (1, 128)  # empty text still unit length


@pytest.mark.parametrize(
    ("name", "cls", "dimension"),
    [
        ("minilm", MiniLMEmbedder, 384),
        ("all-MiniLM-L6-v2", MiniLMEmbedder, 384),
        ("sentence-transformers/all-MiniLM-L6-v2", MiniLMEmbedder, 384),
        ("e5", E5Embedder, 384),
        ("multilingual-e5-small", E5Embedder, 384),
        ("intfloat/multilingual-e5-small", E5Embedder, 384),
    ],
)
def test_make_embedder_accepts_short_and_full_names(
    name: str, cls: type[Embedder], dimension: int
) -> None:
    embedder = make_embedder(name)
    assert isinstance(embedder, cls)
    assert embedder.dimension == dimension
    # The recorded full name maps back to the short name the CLI's --model takes.
    assert embedder_key(embedder.name) == cls.key


def test_make_embedder_rejects_unknown_names() -> None:
    with pytest.raises(UnknownEmbedderError, match="choose one of: minilm, e5$"):
        make_embedder("bert-large")


def test_the_hashing_fake_is_no_model_choice_but_its_indexes_reopen() -> None:
    # Tests construct the fake directly; neither make_embedder's short names nor the CLI offer it.
    with pytest.raises(UnknownEmbedderError, match="choose one of: minilm, e5$"):
        make_embedder("hashing")
    result = CliRunner().invoke(main, ["--model", "hashing", "status"])
    assert result.exit_code == 2
    assert "'hashing' is not one of 'e5', 'minilm'" in result.output
    # An index a test built records "hashing-ngrams-64": opening it rebuilds the same fake.
    rebuilt = make_embedder(HashingEmbedder(dimension=64).name)
    assert isinstance(rebuilt, HashingEmbedder)
    assert rebuilt.dimension == 64


def test_models_load_lazily() -> None:
    assert MiniLMEmbedder()._model is None
    assert E5Embedder()._model is None
    assert embedder_key("all-MiniLM-L6-v2") == "minilm"
    assert embedder_key("multilingual-e5-small") == "e5"
    assert embedder_key("hashing-ngrams-64") == "hashing"
