"""Text normalisation, sentence splitting and a small deterministic stemmer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from functools import cached_property, lru_cache

# A word may hold apostrophes, which vanish: "don't" reads as "dont", "model's" as "models".
_WORD = re.compile(r"[a-z0-9]+(?:['’‘`´][a-z0-9]+)*")
_APOSTROPHE_MARKS = "'’‘`´"
_APOSTROPHES = str.maketrans("", "", _APOSTROPHE_MARKS)
_HAS_APOSTROPHE = re.compile(f"[{_APOSTROPHE_MARKS}]")
# A sentence ends after . ! ? ; and a space, at a line break, or where a bullet starts.
_SENTENCE_CUT = re.compile(r"[.!?;]\s|\n|\s[-*•]\s")
_SENTENCE_TRIM = " \t\n\r\f\v-*•"
# Abbreviations and short forms people type, expanded the same way in answers and cues.
ABBREVIATIONS = {
    "k8s": "kubernetes",
    "gpus": "gpu",
    "tpus": "tpu",
    "cpus": "cpu",
    "ddp": "distributed data parallel",
    "hpo": "hyperparameter optimisation",
    "hpa": "horizontal pod autoscaler",
    "qps": "requests per second",
    "rps": "requests per second",
    "bq": "bigquery",
    "oot": "out of time",
    "reqs": "requirements",
    "deps": "dependencies",
    "feats": "features",
    "infra": "infrastructure",
    "prod": "production",
    "db": "database",
    "nn": "neural network",
    "gh": "github",
    "ver": "version",
    "wk": "week",
    "hist": "histogram",
}
_ABBREVIATION_KEYS = frozenset(ABBREVIATIONS)
_DEFAULT_IGNORABLE = {"Cf", "Cc", "Co", "Cn"}
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_KEEP = {"\n", "\t"}


def normalize(text: str) -> str:
    """Apply NFKC and drop zero-width and control characters (case is kept for evidence)."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return _ASCII_CONTROL.sub("", text)
    kept = (ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in _DEFAULT_IGNORABLE)
    return "".join(kept)


def split_sentences(text: str) -> list[str]:
    """Split raw text into trimmed, non-empty sentences, keeping their original wording."""
    parts = []
    start = 0
    for cut in _SENTENCE_CUT.finditer(text):
        end = cut.start() + 1 if text[cut.start()] in ".!?;" else cut.start()
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return [trimmed for part in parts if (trimmed := part.strip(_SENTENCE_TRIM))]


def words(text: str) -> list[str]:
    """Return the lowercase words of normalised text, abbreviations expanded."""
    out: list[str] = []
    for match in _WORD.findall(text.lower()):
        word = match.translate(_APOSTROPHES)
        out.extend(ABBREVIATIONS.get(word, word).split())
    return out


_DERIVATIONAL = (
    ("ically", "ic"),
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


def stem_all(text: str) -> frozenset[str]:
    """Stem every word of a space-separated list (answers are compared as stems)."""
    return frozenset(stem(word) for word in text.split())


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
    """One sentence of an answer: its text and its stemmed words in order."""

    text: str
    tokens: tuple[str, ...]
    stems: tuple[str, ...]
    word_stems: frozenset[str]

    @cached_property
    def stem_set(self) -> frozenset[str]:
        """The stems plus those of neighbouring words written as one (mini batch -> minibatch)."""
        return self.word_stems.union(joined for _, joined in self.joined_pairs())

    @cached_property
    def breaks(self) -> frozenset[int]:
        """Token indexes that follow a comma, colon, dash or bracket: where clauses may start."""
        found: set[int] = set()
        count = 0
        for word in _TOKEN.findall(self.text.lower()):
            if word:
                count += len(_expand(word))
            else:
                found.add(count)
        return frozenset(found)

    def joined_pairs(self, firsts: Container[str] | None = None) -> list[tuple[int, str]]:
        """(index, stem) of neighbouring words read as one, optionally only after `firsts`."""
        tokens = self.tokens
        return [
            (i, stem(first + tokens[i + 1]))
            for i, first in enumerate(tokens[:-1])
            if firsts is None or first in firsts
        ]

    def positions(self, wanted: str) -> list[int]:
        """Return the token indexes where a stem (or a joined neighbour pair) starts."""
        stems = self.stems
        if wanted not in self.word_stems:
            return [i for i, joined in self.joined_pairs() if joined == wanted]
        first = stems.index(wanted)
        if stems.count(wanted) == 1:
            return [first]
        return [i for i, token_stem in enumerate(stems) if token_stem == wanted]


def analyse(text: str) -> list[Sentence]:
    """Split an answer into stemmed sentences."""
    return [_sentence(raw) for raw in split_sentences(normalize(text))]


# One pass over a sentence: a word, or a mark after which a new clause may start.
_TOKEN = re.compile(r"([a-z0-9]+(?:['’‘`´][a-z0-9]+)*)|[,:()\[\]—–]|\s-\s")
_WORD_ONLY = re.compile(r"[a-z0-9]+(?:['’‘`´][a-z0-9]+)*")


def _sentence(raw: str) -> Sentence:
    """Tokenise and stem one sentence."""
    found = _WORD_ONLY.findall(raw.lower())
    if _ABBREVIATION_KEYS.isdisjoint(found) and not _HAS_APOSTROPHE.search(raw):
        tokens = tuple(found)
    else:
        tokens = tuple(token for word in found for token, _ in _expand(word))
    stems = tuple(map(stem, tokens))
    return Sentence(text=raw, tokens=tokens, stems=stems, word_stems=frozenset(stems))


def offset_of(sentence: Sentence, index: int) -> int:
    """Approximate character offset of a token, found near its proportional place."""
    text = sentence.text
    guess = len(text) * index // max(1, len(sentence.tokens))
    found = text.lower().find(sentence.tokens[index], max(0, guess - 60))
    return found if found >= 0 else guess


@lru_cache(maxsize=65536)
def _expand(word: str) -> tuple[tuple[str, str], ...]:
    """Return the tokens (with stems) one written word stands for: k8s -> kubernetes."""
    plain = word.translate(_APOSTROPHES)
    return tuple((part, stem(part)) for part in ABBREVIATIONS.get(plain, plain).split())
