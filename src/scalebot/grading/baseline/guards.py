"""Guards: sentences that are bare keyword lists or that instruct the grader."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scalebot.domain.questions import Question
from scalebot.grading.baseline.text import Sentence, analyse, stem_all

# Function words: a sentence with none of them is a bare list of keywords, not a claim.
FUNCTION_WORDS = stem_all(
    """i we you they it he she me us my our your their this that these those a an the
    would will should could can may might must shall is are be been being was were do does did
    have has had to for with on in by of from at into onto over under per via as if when then
    so because since which who what how why where until unless than"""
)
_LIST_SPLIT = re.compile(r"[,;+]|\band\b|\bor\b")
_LIST_ITEMS = 4
_LIST_ITEM_WORDS = 1.6
_GRADER = r"(?:grader|grading|evaluator|marker|ai|llm|bot|model)"
_TO_GRADER = re.compile(
    r"\bignore (?:(?:the|all|any|your|my|previous|prior|above|of|these) )*"
    r"(?:rubric|instructions?|criteria|grader|grading|rules|prompt|scoring)\b"
    rf"|\b(?:dear|note to the|hey|hi|hello) (?:\w+ )?{_GRADER}\b"
    r"|\b(?:the )?grader\b.{0,40}\b(?:must|should|shall|will|has to)\b"
    r"|\b(?:score|grade|mark|rate)s? (?:of|to|it|this|me|my answer)?\s*100\b"
    r"|\b100 points\b|\bfull marks\b"
    r"|\bgive (?:me|this answer|my answer|it)\b.{0,25}"
    r"\b(?:100|full marks|full score|maximum score|perfect score|top score|a perfect)\b"
    r"|\bmark\b.{0,160}\bas (?:covered|met)\b"
    r"|^(?:system|assistant|instructions?)\s*:\s*(?:you|the grader|ignore|mark|give|score|award)",
)
# Cheap pre-check: _TO_GRADER can only match a sentence holding one of these stems.
_GRADER_STEMS = stem_all(
    "ignore grader grading evaluator assistant llm 100 marks give dear hey hello"
)
_GRADER_OPENERS = stem_all("system assistant instruction instructions")
# A sentence that names this many criterion ids of the rubric talks to the grader.
_IDS_TO_GRADER = 2


def is_keyword_list(sentence: Sentence) -> bool:
    """Tell whether a sentence is a bare list of keywords with no claim (or one lone word)."""
    if len(sentence.tokens) == 1:
        return sentence.stems[0] not in FUNCTION_WORDS
    if len(sentence.word_stems & FUNCTION_WORDS) > 1:
        return False
    if sum(sentence.text.count(mark) for mark in ",;+") < _LIST_ITEMS - 2:
        return False
    sizes = [len(item.split()) for item in _LIST_SPLIT.split(sentence.text) if item.strip()]
    return (
        len(sizes) >= _LIST_ITEMS
        and max(sizes) <= 3
        and sum(sizes) <= _LIST_ITEM_WORDS * len(sizes)
    )


def addresses_grader(sentence: Sentence, question: Question) -> bool:
    """Tell whether a sentence instructs the grader instead of answering the question."""
    lowered = sentence.text.lower()
    if _may_address_grader(sentence) and _TO_GRADER.search(lowered):
        return True
    named = sum(1 for c in question.rubric if "-" in c.id and c.id in lowered)
    return named >= _IDS_TO_GRADER


def _may_address_grader(sentence: Sentence) -> bool:
    """Cheap pre-check: could this sentence match the grader-instruction patterns at all?"""
    if not sentence.word_stems.isdisjoint(_GRADER_STEMS):
        return True
    return bool(sentence.stems) and sentence.stems[0] in _GRADER_OPENERS


def to_grader(sentences: Sequence[Sentence], text: str, question: Question) -> list[Sentence]:
    """Return the sentences that speak to the grader (none, quickly, for most answers)."""
    lowered = text.lower()
    if any("-" in c.id and c.id in lowered for c in question.rubric):
        return [s for s in sentences if addresses_grader(s, question)]
    return [s for s in sentences if _may_address_grader(s) and addresses_grader(s, question)]


def answer_addresses_grader(question: Question, text: str) -> bool:
    """Tell whether any sentence of an answer instructs the grader."""
    return any(addresses_grader(sentence, question) for sentence in analyse(text))
