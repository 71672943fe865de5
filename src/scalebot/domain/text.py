"""Text normalisation, sentence splitting and a small deterministic stemmer."""

from __future__ import annotations

import contextlib
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

# A word may hold apostrophes, which vanish: "don't" reads as "dont", "model's" as "models".
_WORD = re.compile(r"[a-z0-9]+(?:['’‘`´][a-z0-9]+)*")
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
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
    """One sentence of an answer: its text, stemmed words in order, and clause starts."""

    text: str
    tokens: tuple[str, ...]
    stems: tuple[str, ...]
    # The stems plus the stems of neighbouring words written as one (mini batch -> minibatch).
    stem_set: frozenset[str]
    # Token indexes that follow a comma, colon, dash or bracket in the original text.
    breaks: frozenset[int]

    def positions(self, wanted: str) -> list[int]:
        """Return the token indexes where a stem (or a joined neighbour pair) starts."""
        found: list[int] = []
        at = -1
        with contextlib.suppress(ValueError):
            while True:
                at = self.stems.index(wanted, at + 1)
                found.append(at)
        if not found and wanted in self.stem_set:
            pairs = itertools.pairwise(self.tokens)
            found = [i for i, (a, b) in enumerate(pairs) if stem(a + b) == wanted]
        return found

    @cached_property
    def offsets(self) -> list[int]:
        """Character offset in `text` of every token, to centre evidence on a match."""
        return word_offsets(self.text)


def analyse(text: str) -> list[Sentence]:
    """Split an answer into stemmed sentences; joined word pairs let mini batch match minibatch."""
    return [_sentence(raw) for raw in split_sentences(normalize(text))]


# One pass over a sentence: a word, or a mark after which a new clause may start.
_TOKEN = re.compile(r"([a-z0-9]+(?:['’‘`´][a-z0-9]+)*)|[,:()\[\]—–]|\s-\s")


def _sentence(raw: str) -> Sentence:
    """Tokenise and stem one sentence, remembering where its clauses start."""
    expanded: list[tuple[str, str]] = []
    breaks: set[int] = set()
    for word in _TOKEN.findall(raw.lower()):
        if word:
            expanded.extend(_expand(word))
        else:
            breaks.add(len(expanded))
    tokens = tuple(token for token, _ in expanded)
    stems = tuple(token_stem for _, token_stem in expanded)
    joined = {stem(a + b) for a, b in itertools.pairwise(tokens)}
    return Sentence(
        text=raw,
        tokens=tokens,
        stems=stems,
        stem_set=frozenset(stems).union(joined),
        breaks=frozenset(breaks),
    )


def word_offsets(text: str) -> list[int]:
    """Return the character offset in `text` of every token `analyse` makes of it."""
    offsets: list[int] = []
    for match in _TOKEN.finditer(text.lower()):
        if match[1]:
            offsets.extend(match.start() for _ in _expand(match[1]))
    return offsets


@lru_cache(maxsize=65536)
def _expand(word: str) -> tuple[tuple[str, str], ...]:
    """Return the tokens (with stems) one written word stands for: k8s -> kubernetes."""
    plain = word.translate(_APOSTROPHES)
    return tuple((part, stem(part)) for part in ABBREVIATIONS.get(plain, plain).split())
