"""Text normalisation, sentence splitting and a small deterministic stemmer."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")
# A sentence ends at . ! ? ; or a line break, or where a bullet starts.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?=[-*•]\s)")
_ABBREVIATIONS = {
    "k8s": "kubernetes",
    "gpus": "gpu",
    "tpus": "tpu",
    "cpus": "cpu",
    "ddp": "distributed data parallel",
    "hpo": "hyperparameter optimisation",
}
_DEFAULT_IGNORABLE = {"Cf", "Cc", "Co", "Cn"}
_KEEP = {"\n", "\t"}


def normalize(text: str) -> str:
    """Apply NFKC and drop zero-width and control characters (case is kept for evidence)."""
    text = unicodedata.normalize("NFKC", text)
    kept = (ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in _DEFAULT_IGNORABLE)
    return "".join(kept)


def split_sentences(text: str) -> list[str]:
    """Split raw text into trimmed, non-empty sentences, keeping their original wording."""
    return [part.strip(" \t-*•") for part in _SENTENCE_END.split(text) if part.strip(" \t-*•")]


def words(text: str) -> list[str]:
    """Return the lowercase words of normalised text, abbreviations expanded."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        out.extend(_ABBREVIATIONS.get(word, word).split())
    return out


_DERIVATIONAL = (
    ("izations", "iz"),
    ("ization", "iz"),
    ("isation", "iz"),
    ("ational", "at"),
    ("ation", "at"),
    ("ition", "it"),
    ("ution", "ut"),
    ("ssion", "ss"),
    ("ment", ""),
    ("ise", "iz"),
    ("ize", "iz"),
    ("ness", ""),
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Reduce a word to a crude stem so that inflected forms compare equal."""
    if len(word) <= 3 or not word.isalpha():
        return word
    word = _strip_plural(word)
    word = _strip_inflection(word)
    for suffix, replacement in _DERIVATIONAL:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _strip_plural(word: str) -> str:
    """Remove a plural ending."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _strip_inflection(word: str) -> str:
    """Remove -ing or -ed, undoubling a final consonant (running -> run)."""
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            return word
    return word


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer: its original text and its stemmed words in order."""

    text: str
    tokens: tuple[str, ...]
    stems: tuple[str, ...]
    stem_set: frozenset[str]


def analyse(text: str) -> list[Sentence]:
    """Split an answer into stemmed sentences; joined word pairs let mini batch match minibatch."""
    sentences = []
    for raw in split_sentences(normalize(text)):
        tokens = words(raw)
        stems = tuple(stem(token) for token in tokens)
        joined = {stem(a + b) for a, b in itertools.pairwise(tokens)}
        sentences.append(
            Sentence(
                text=raw, tokens=tuple(tokens), stems=stems, stem_set=frozenset(stems) | joined
            )
        )
    return sentences
