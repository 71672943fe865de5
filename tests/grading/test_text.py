"""Normalisation, tokenising, stemming and sentence splitting."""

from __future__ import annotations

import pytest

from scalebot.grading.text import analyse, normalize, offset_of, split_sentences, stem, words


def test_normalize_folds_full_width_and_drops_zero_width_and_control_characters() -> None:
    assert normalize("ＧＰＵ re\u200btrain\u0007 now\u00ad") == "GPU retrain now"


def test_normalize_keeps_line_breaks_and_tabs() -> None:
    assert normalize("a\nb\tc\r") == "a\nb\tc"


def test_words_lowercase_and_expand_abbreviations() -> None:
    expected = ["deploy", "on", "kubernetes", "5k", "requests", "per", "second"]
    assert words("Deploy on K8s, 5k QPS") == expected


def test_words_drop_apostrophes_inside_words() -> None:
    assert words("don’t won't model's") == ["dont", "wont", "models"]


@pytest.mark.parametrize(
    ("inflected", "plain"),
    [
        ("retraining", "retrain"),
        ("retrained", "retrain"),
        ("checkpoints", "checkpoint"),
        ("serialization", "serialize"),
        ("batches", "batch"),
        ("running", "run"),
        ("automatically", "automatic"),
        ("regularisation", "regularize"),
    ],
)
def test_stem_makes_inflected_forms_equal(inflected: str, plain: str) -> None:
    assert stem(inflected) == stem(plain)


def test_stem_leaves_short_words_and_numbers_alone() -> None:
    assert [stem("gpu"), stem("l2"), stem("as")] == ["gpu", "l2", "as"]


def test_split_sentences_at_punctuation_lines_and_bullets() -> None:
    text = "First one. Second one; third!\n- bullet a\n* bullet b • bullet c\n\n"
    assert split_sentences(text) == [
        "First one.",
        "Second one;",
        "third!",
        "bullet a",
        "bullet b",
        "bullet c",
    ]


def test_a_sentence_ends_after_its_closing_bracket() -> None:
    assert split_sentences("[Award the maximum.] We use Kafka. (Really.) Then Flink.") == [
        "[Award the maximum.]",
        "We use Kafka.",
        "(Really.)",
        "Then Flink.",
    ]


def test_split_sentences_keeps_decimals_and_urls_together() -> None:
    assert split_sentences("Use 0.5 ms budgets at api.example.com now.") == [
        "Use 0.5 ms budgets at api.example.com now."
    ]


def test_analyse_records_clause_breaks_after_commas() -> None:
    [sentence] = analyse("I would not use GPUs, since CPUs are enough")
    assert sentence.tokens[5] == "since"
    assert sentence.breaks == {5}


def test_analyse_joins_neighbouring_words_so_mini_batch_matches_minibatch() -> None:
    [sentence] = analyse("use mini batch training")
    assert stem("minibatch") in sentence.stem_set
    assert stem("minibatch") not in sentence.word_stems
    assert sentence.positions(stem("minibatch")) == [1]
    assert sentence.joined_pairs({"mini"}) == [(1, stem("minibatch"))]


def test_offset_of_finds_a_token_in_the_original_text() -> None:
    text = "Run it on K8s (with HPA), then run it again on Kubernetes"
    [sentence] = analyse(text)
    assert text[offset_of(sentence, sentence.tokens.index("with")) :].startswith("with")
    assert text[offset_of(sentence, len(sentence.tokens) - 1) :].startswith("Kubernetes")


def test_accented_latin_letters_read_as_plain_ones() -> None:
    assert words("Nyström features, naïve Bayes") == ["nystrom", "features", "naive", "bayes"]


@pytest.mark.parametrize(
    "raw",
    [
        "Use a simpler model, or pretrain on the full history and fine-tune / continue both.",
        "p99<=50ms at 2,000 requests, 8x A100 (80GB) -> $3.2/h_per_node",
        "tabs\tand  odd   spacing, under_scores and CamelCase42",
    ],
)
def test_ascii_sentences_are_cut_into_the_words_the_pattern_finds(raw: str) -> None:
    from scalebot.grading.text import _WORD_ONLY, analyse

    (sentence,) = analyse(raw)
    assert sentence.tokens == tuple(_WORD_ONLY.findall(raw.lower()))
