"""Negation: whether a "not", "without" or a denial after a cue governs it."""

from __future__ import annotations

from scalebot.grading.baseline.text import Sentence, stem_all

NEGATORS = stem_all(
    "not no never without none nor neither cannot dont doesnt didnt wont wouldnt shouldnt "
    "isnt arent cant skip avoid"
)
# Words after a cue that deny it: "Kubernetes is overkill", "checkpoints are not needed".
AFTER_NEGATORS = stem_all("not never isnt arent wont unnecessary overkill needless pointless")
_AFTER_SKIP = stem_all("is are be was were do does really just also")
_NOT_REALLY_NEGATING = stem_all("only just merely necessarily matter doubt")
_CLAUSE_BREAKS = stem_all("but however although though instead rather while so then once because")
# After a comma or colon, these words start a new clause and end a negation's reach.
_CLAUSE_STARTERS = stem_all(
    "i we you they it this that these a an the my our since because which when if as plus "
    "also just yet"
)
_NEGATION_REACH = 8


def may_negate(sentence: Sentence) -> bool:
    """Cheap pre-check: could anything in this sentence negate a cue?"""
    stems = sentence.word_stems
    return not (stems.isdisjoint(NEGATORS) and stems.isdisjoint(AFTER_NEGATORS))


def _clause_start(sentence: Sentence, position: int, floor: int) -> int:
    """Return where the clause holding this token starts, looking back no further than floor."""
    for i in range(position, max(floor, 0), -1):
        if sentence.stems[i - 1] in _CLAUSE_BREAKS:
            return i
        if i in sentence.breaks and sentence.stems[i] in _CLAUSE_STARTERS:
            return i
    return max(floor, 0)


def is_negated(sentence: Sentence, start: int, end: int) -> bool:
    """Tell whether a negation governs the words from start to end (within their clause)."""
    if sentence.word_stems.isdisjoint(NEGATORS):
        return _denied_after(sentence, end)
    first = _clause_start(sentence, start, start - _NEGATION_REACH)
    for i in range(start - 1, first - 1, -1):
        if sentence.stems[i] in NEGATORS:
            following = sentence.stems[i + 1] if i + 1 < len(sentence.stems) else ""
            return following not in _NOT_REALLY_NEGATING
    return _denied_after(sentence, end)


def _denied_after(sentence: Sentence, end: int) -> bool:
    """Tell whether the words right after a cue deny it ("GPUs are not needed")."""
    if sentence.word_stems.isdisjoint(AFTER_NEGATORS):
        return False
    stems = sentence.stems
    i = end + 1
    while i < len(stems) and i not in sentence.breaks and stems[i] in _AFTER_SKIP:
        i += 1
    if i >= len(stems) or i in sentence.breaks or stems[i] not in AFTER_NEGATORS:
        return False
    return not (i + 1 < len(stems) and stems[i + 1] in _NOT_REALLY_NEGATING)
