"""Description matching: a plain-words sentence that says what a criterion describes.

Engineers often describe a practice without its usual name ("let the new model answer real
requests in the background and compare it with the live one" is a shadow launch). A criterion
that no cue found is still covered by an English sentence that shares at least two content
words with the criterion's own title, description and hint, beyond the question's prompt, and
more of them than with any other criterion of the question. Words for what a description says
not to do ("…, and avoids random splits") do not count, and a hint pasted as it stands earns
nothing: the copy guard drops it before this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scalebot.domain.questions import Question
from scalebot.grading.cues import Cue, Evidence, Found, Hit
from scalebot.grading.memo import per_object
from scalebot.grading.negation import NEGATORS, may_negate
from scalebot.grading.scoring import STOPWORDS, prompt_stems
from scalebot.grading.text import Sentence, stem, stem_all, words

_SHARED_WORDS = 2  # content words a sentence must share with a description
_LEAD = 1  # and how many more than it shares with any other criterion of the question


# Where a description turns to what the criterion is not ("…, and avoids random splits").
_CLAUSE = re.compile(r"[,;:.()]|\band\b|\bbut\b")
_TURNS = NEGATORS | stem_all("instead rather unlike versus vs")


@per_object
def _descriptions(question: Question) -> tuple[frozenset[str], ...]:
    """Per criterion, the content stems of its title, description and hint, minus the prompt's
    and minus what the description says not to do."""
    prompt = prompt_stems(question)
    return tuple(
        _affirmed_stems(f"{criterion.title}. {criterion.description} {criterion.hint}")
        - STOPWORDS
        - prompt
        for criterion in question.rubric
    )


def _affirmed_stems(text: str) -> frozenset[str]:
    """The stems of a text's words of three letters or more, up to any turn in each clause."""
    kept: set[str] = set()
    for clause in _CLAUSE.split(text.lower()):
        for word in words(clause):
            word_stem = stem(word)
            if word_stem in _TURNS:
                break
            if len(word) > 2 and not word.isdigit():
                kept.add(word_stem)
    return frozenset(kept)


def described(question: Question, sentences: Sequence[Sentence], found: list[Found]) -> set[int]:
    """Cover, in place, each criterion no cue found with the sentence that describes it best.

    Returns the positions of the criteria it covered.
    """
    covered: set[int] = set()
    if all(item.evidence for item in found):
        return covered
    plain = [s for s in sentences if not s.chinese and not may_negate(s)]
    descriptions = _descriptions(question)
    for c, item in enumerate(found):
        best = None if item.evidence else _best_sentence(c, descriptions, plain)
        if best is not None:
            found[c] = _evidence(*best)
            covered.add(c)
    return covered


def _best_sentence(
    c: int, descriptions: Sequence[frozenset[str]], sentences: Sequence[Sentence]
) -> tuple[Sentence, frozenset[str]] | None:
    """The sentence sharing most words with description c, enough of them and more than with
    any other description, with the words it shares."""
    best: tuple[Sentence, frozenset[str]] | None = None
    for sentence in sentences:
        shared = descriptions[c] & sentence.word_stems
        if len(shared) < _SHARED_WORDS or (best is not None and len(shared) <= len(best[1])):
            continue
        others = max(
            (len(d & sentence.word_stems) for o, d in enumerate(descriptions) if o != c),
            default=0,
        )
        if len(shared) >= others + _LEAD:
            best = (sentence, shared)
    return best


def _evidence(sentence: Sentence, shared: frozenset[str]) -> Found:
    """The sentence as evidence, with the shared words as written in it, in their order."""
    first: dict[str, int] = {}
    for i, word_stem in enumerate(sentence.stems):
        if word_stem in shared:
            first.setdefault(word_stem, i)
    hits = tuple(
        Hit(Cue(sentence.tokens[i], (s,), frozenset((s,)), s, 0), i) for s, i in first.items()
    )
    return Found((Evidence(sentence, hits),), tuple(hit.cue.phrase for hit in hits))
