"""Text normalisation, sentence splitting, Chinese segmentation and a small English stemmer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain

from scalebot.grading import chinese
from scalebot.grading.memo import Remembered

# A word may hold apostrophes, which vanish: "don't" reads as "dont", "model's" as "models".
_WORD = re.compile(r"[a-z0-9]+(?:['’‘`´][a-z0-9]+)*")
_APOSTROPHE_MARKS = "'’‘`´"
_APOSTROPHES = str.maketrans("", "", _APOSTROPHE_MARKS)
_HAS_APOSTROPHE = re.compile(f"[{_APOSTROPHE_MARKS}]")
# A sentence ends after . ! ? ; (and a closing bracket) and a space, at a line break, where a
# bullet starts, after Chinese 。！？；… (with or without a space), and after ASCII ! ? ; .
# right before Chinese.
_SENTENCE_CUT = re.compile(r"[.!?;][)\]]?\s|\n|\s[-*•]\s")
_CHINESE_SENTENCE_CUT = re.compile(
    r"[.!?;][)\]]?\s|\n|\s[-*•]\s|(?P<zh>[。！？；…]+[”’」』）)]*)"
    rf"|[.!?;](?=[{chinese.CJK_RANGES}])"
)
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


# Where invisible characters live (controls, zero-width, bidi marks, soft hyphen, private use).
_MAYBE_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ue000-\uf8ff\U000e0000-\U000e007f\U000f0000-\U0010ffff]"
)


def clean(text: str) -> str:
    """Drop zero-width and control characters, keeping every visible character as written."""
    if text.isascii():
        return _ASCII_CONTROL.sub("", text)
    if not _MAYBE_INVISIBLE.search(text):
        return text
    return "".join(ch for ch in text if ch in _KEEP or not _ignorable(ch))


@lru_cache(maxsize=8192)
def _ignorable(ch: str) -> bool:
    """Tell whether a character is invisible (format, control, private or unassigned)."""
    return unicodedata.category(ch) in _DEFAULT_IGNORABLE


def normalize(text: str) -> str:
    """Apply NFKC (Chinese punctuation kept full-width) and drop invisible characters."""
    text = clean(text)
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    if chinese.PUNCTUATION.isdisjoint(text):
        return unicodedata.normalize("NFKC", text)
    return text.translate(_NFKC_BY_CHARACTER)


def _nfkc_keeping_chinese_punctuation(code: int) -> str:
    """NFKC of one character, except Chinese punctuation, which must stay Chinese."""
    ch = chr(code)
    return ch if ch in chinese.PUNCTUATION else unicodedata.normalize("NFKC", ch)


# The table str.translate reads, filled as characters come.
_NFKC_BY_CHARACTER = Remembered(_nfkc_keeping_chinese_punctuation, kept=8192)


def match_form(text: str) -> str:
    """The form cues are matched on: NFKC, lowercase, accents dropped, Chinese simplified."""
    if text.isascii():
        return text.lower()
    form = normalize(text).lower()
    if _ACCENTED.search(form):
        form = form.translate(_ACCENTS)
    return chinese.simplified(form)


def _accent_table() -> dict[int, str]:
    """Latin letters with accents -> the plain letter (Nyström reads as nystrom), one for one."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    return table


_ACCENTS = _accent_table()
_ACCENTED = re.compile("[\u00c0-\u024f]")


def split_sentences(text: str) -> list[str]:
    """Split raw text into trimmed, non-empty sentences, keeping their original wording."""
    parts = []
    start = 0
    cuts = _CHINESE_SENTENCE_CUT if chinese.has_cjk(text) else _SENTENCE_CUT
    for cut in cuts.finditer(text):
        if cut.lastgroup == "zh":
            end = cut.end()
        elif text[cut.start()] in ".!?;":
            end = cut.end() - 1  # the mark (and a closing bracket after it) ends the sentence
        else:
            end = cut.start()
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return [trimmed for part in parts if (trimmed := part.strip(_SENTENCE_TRIM))]


def words(text: str) -> list[str]:
    """Return the lowercase words of text (Chinese segmented), abbreviations expanded."""
    form = match_form(text)
    if not chinese.has_cjk(form):
        out: list[str] = []
        for match in _WORD.findall(form):
            out.extend(part for part, _ in _expand(match))
        return out
    return list(_chinese_tokens(form)[0])


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


def _stem(word: str) -> str:
    """Reduce a word to a crude stem so that inflected forms compare equal."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
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


_WORDS_KEPT = 65536
# Reduce a word to a crude stem so that inflected forms compare equal (remembered).
stem: Callable[[str], str] = Remembered(_stem, kept=_WORDS_KEPT).__getitem__


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


@dataclass(eq=False)  # compared by identity; plain attributes are cheaper to set
class Sentence:
    """One sentence of an answer: its original text, its matching form and its stems in order."""

    text: str
    tokens: tuple[str, ...]
    stems: tuple[str, ...]
    word_stems: frozenset[str]
    form: str = ""
    # Chinese sentences know their token offsets (in `form`) and clause breaks at once.
    offsets: tuple[int, ...] | None = None
    chinese_breaks: frozenset[int] | None = None

    @property
    def chinese(self) -> bool:
        """Whether the sentence holds Chinese (and was segmented)."""
        return self.chinese_breaks is not None

    @cached_property
    def stem_set(self) -> frozenset[str]:
        """The stems plus those of neighbouring words written as one (mini batch -> minibatch)."""
        return self.word_stems.union(joined for _, joined in self.joined_pairs())

    @cached_property
    def breaks(self) -> frozenset[int]:
        """Token indexes that follow a comma, colon, dash or bracket: where clauses may start."""
        if self.chinese_breaks is not None:
            return self.chinese_breaks
        return self._breaks[0]

    @cached_property
    def hard_breaks(self) -> frozenset[int]:
        """Token indexes after a colon or a dash, which end a clause whatever follows."""
        if self.chinese_breaks is not None:
            return self.chinese_breaks
        return self._breaks[1]

    @cached_property
    def _breaks(self) -> tuple[frozenset[int], frozenset[int]]:
        """Where clauses may start, and where they must (English: read from the text)."""
        found: set[int] = set()
        hard: set[int] = set()
        count = 0
        for word, mark in _TOKEN.findall(self.form or self.text.lower()):
            if word:
                count += len(_expand(word))
            else:
                found.add(count)
                if mark not in _SOFT_MARKS:
                    hard.add(count)
        return frozenset(found), frozenset(hard)

    @cached_property
    def _joined(self) -> tuple[tuple[int, str], ...]:
        """Every pair of neighbouring words read as one, with its index."""
        tokens = self.tokens
        return tuple((i, stem(first + tokens[i + 1])) for i, first in enumerate(tokens[:-1]))

    def joined_pairs(self, firsts: Collection[str] | None = None) -> list[tuple[int, str]]:
        """(index, stem) of neighbouring words read as one, optionally only after `firsts`."""
        if firsts is None:
            return list(self._joined)
        tokens = self.tokens
        last = len(tokens) - 1
        found = []
        for first in firsts:
            at = tokens.index(first) if first in tokens else last
            while at < last:
                found.append((at, stem(first + tokens[at + 1])))
                at = tokens.index(first, at + 1) if first in tokens[at + 1 : last] else last
        return sorted(found)

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        """Every stem, with the token indexes where it occurs."""
        found: dict[str, list[int]] = {}
        for i, token_stem in enumerate(self.stems):
            found.setdefault(token_stem, []).append(i)
        return found

    @cached_property
    def _joined_positions(self) -> dict[str, list[int]]:
        """Every joined neighbour pair that is not a word itself, with where it starts."""
        found: dict[str, list[int]] = {}
        for i, joined in self._joined:
            if joined not in self.word_stems:
                found.setdefault(joined, []).append(i)
        return found

    def positions(self, wanted: str) -> list[int]:
        """Return the token indexes where a stem (or a joined neighbour pair) starts."""
        if wanted in self.word_stems:
            stems = self.stems
            if stems.count(wanted) == 1:
                return [stems.index(wanted)]
            return list(self._positions[wanted])
        return list(self._joined_positions.get(wanted, ()))


def analyse(text: str) -> list[Sentence]:
    """Split an answer into stemmed sentences."""
    return [_sentence(raw) for raw in split_sentences(clean(text))]


# One pass over a sentence: a word, or a mark after which a new clause may start.
_TOKEN = re.compile(r"([a-z0-9]+(?:['’‘`´][a-z0-9]+)*)|([,:()\[\]—–，；：（）【】]|\s-\s)")
# Marks after which a clause may start but need not (a comma, a bracket).
_SOFT_MARKS = frozenset(",()[]")
_WORD_ONLY = re.compile(r"[a-z0-9]+(?:['’‘`´][a-z0-9]+)*")
# Lowercase ASCII letters and digits kept, every other byte a space (a few times faster than
# _WORD_ONLY.findall, and the same words for ASCII text without apostrophes).
_ASCII_WORD_BYTES = bytes.maketrans(
    bytes(range(128)),
    bytes(b if chr(b).isdigit() or "a" <= chr(b) <= "z" else 32 for b in range(128)),
)


def _sentence(raw: str) -> Sentence:
    """Tokenise and stem one sentence (Chinese segmented, traditional read as simplified)."""
    if raw.isascii():  # the usual English sentence: no accents, no Chinese to look for
        form = raw.lower()
        if "'" in raw or "`" in raw:
            return _latin_sentence(raw, form, _WORD_ONLY.findall(form))
        # Without apostrophes the words are the runs of letters and digits: cut at the rest.
        found = form.encode().translate(_ASCII_WORD_BYTES).decode().split()
        if _ABBREVIATION_KEYS.isdisjoint(found):
            stems = tuple(map(stem, found))
            return Sentence(raw, tuple(found), stems, frozenset(stems), form)
        return _latin_sentence(raw, form, found)
    form = match_form(raw)
    if chinese.has_cjk(form):
        tokens, offsets, breaks = _chinese_tokens(form)
        stems = tuple(map(stem, tokens))
        return Sentence(raw, tokens, stems, frozenset(stems), form, offsets, breaks)
    return _latin_sentence(raw, form, _WORD_ONLY.findall(form))


def _latin_sentence(raw: str, form: str, found: list[str]) -> Sentence:
    """Stem a sentence without Chinese from its words, abbreviations and apostrophes read."""
    if _ABBREVIATION_KEYS.isdisjoint(found) and not _HAS_APOSTROPHE.search(raw):
        tokens = tuple(found)
    else:
        tokens = tuple(chain.from_iterable(map(_expand_tokens, found)))
    stems = tuple(map(stem, tokens))
    return Sentence(raw, tokens, stems, frozenset(stems), form)


# In Chinese text: a run of Chinese, a Latin word, or a mark that ends a clause.
_PIECE = re.compile(
    rf"(?P<cjk>[{chinese.CJK_RANGES}]+)|(?P<word>[a-z0-9]+(?:['’‘`´][a-z0-9]+)*)"
    r"|(?P<mark>[,:()\[\]—–，；：（）【】「」]|\s-\s)"
)


def _chinese_tokens(form: str) -> tuple[tuple[str, ...], tuple[int, ...], frozenset[int]]:
    """Segment a Chinese (or mixed) sentence: tokens, their offsets and the clause breaks."""
    tokens: list[str] = []
    offsets: list[int] = []
    breaks: set[int] = set()
    for piece in _PIECE.finditer(form):
        kind = piece.lastgroup
        if kind == "cjk":
            found, starts = chinese.segment_apart(piece.group())
            tokens.extend(found)
            offsets.extend(map(piece.start().__add__, starts))
        elif kind == "word":
            expanded = _expand_tokens(piece.group())
            tokens.extend(expanded)
            offsets.extend([piece.start()] * len(expanded))
        else:
            breaks.add(len(tokens))
    return tuple(tokens), tuple(offsets), frozenset(breaks)


def offset_of(sentence: Sentence, index: int) -> int:
    """Character offset of a token in the sentence's original text (near it, for English)."""
    text = sentence.text
    if sentence.offsets is not None:
        at = sentence.offsets[index]
        if len(sentence.form) == len(text):
            return at
        return at * len(text) // max(1, len(sentence.form))
    guess = len(text) * index // max(1, len(sentence.tokens))
    found = text.lower().find(sentence.tokens[index], max(0, guess - 60))
    return found if found >= 0 else guess


def _tokens_of(word: str) -> tuple[str, ...]:
    """The tokens one written word stands for, without their stems."""
    return tuple(token for token, _ in _expand(word))


# Return the tokens one written word stands for, without their stems (remembered).
_expand_tokens: Callable[[str], tuple[str, ...]] = Remembered(
    _tokens_of, kept=_WORDS_KEPT
).__getitem__


@lru_cache(maxsize=65536)
def _expand(word: str) -> tuple[tuple[str, str], ...]:
    """Return the tokens (with stems) one written word stands for: k8s -> kubernetes."""
    plain = word.translate(_APOSTROPHES)
    return tuple((part, stem(part)) for part in ABBREVIATIONS.get(plain, plain).split())
