"""Guards: sentences that are bare keyword lists or that instruct the grader."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Sequence

from scalebot.domain.questions import Question
from scalebot.grading.chinese import CJK_RANGES
from scalebot.grading.memo import per_object
from scalebot.grading.negation import NEGATORS
from scalebot.grading.text import Sentence, analyse, stem, stem_all, words

_FUNCTION_WORDS_EN = """i we you they it he she me us my our your their this that these those a an
    the would will should could can may might must shall is are be been being was were do does did
    have has had to for with on in by of from at into onto over under per via as if when then
    so because since which who what how why where until unless than"""
# Chinese words that make a sentence a claim rather than a list of terms.
_FUNCTION_WORDS_ZH = """我 我们 你 你们 他们 它 这 那 这个 那个 这样 会 要 应该 应 需要
    可以 能 能够 用 把 让 使 将 是 在 对 给 从 到 通过 采用 使用 因为 所以 如果 就 了
    地 得 也 都 还 并 再 先 然后 但是 但 可能 如何 怎么 为什么 当 就是 来 去 做 进行
    保持 每 比 而 才 被 由 于 等 以 以便 为了 否则"""
# Prepositions and the verbs answers use most: a bare string of terms has none of them.
_PREPOSITIONS_EN = """about above across after against along among around before behind below
    beneath beside between beyond during except inside instead near off onto outside past since
    through throughout toward towards upon within without not no"""
_VERBS_EN = """use add keep make put run ship move need let get send save deploy retrain train serve
    switch go write read build pick choose prefer avoid try compare measure monitor replace
    reduce increase"""
_CLAIM_WORDS_EN = f"{_PREPOSITIONS_EN} {_VERBS_EN}"
_PREPOSITIONS = stem_all(_PREPOSITIONS_EN)
# Function words: a sentence with none of them is a bare list of keywords, not a claim.
FUNCTION_WORDS = stem_all(_FUNCTION_WORDS_EN) | stem_all(_FUNCTION_WORDS_ZH)
_CLAIM_WORDS = FUNCTION_WORDS | stem_all(_CLAIM_WORDS_EN)
# The same words as written, for a quick look at whitespace-separated items.
_CLAIM_FORMS = frozenset(f"{_FUNCTION_WORDS_EN} {_CLAIM_WORDS_EN}".split())
_GRAMMAR_FORMS = frozenset(f"{_FUNCTION_WORDS_EN} {_PREPOSITIONS_EN}".split())
_LIST_SPLIT = re.compile(r"[,;+，、；/]|\band\b|\bor\b")
# Spaces separate Chinese terms only between Chinese characters ("漂移 检查点", not "用 GPU").
_ZH_LIST_SPLIT = re.compile(
    rf"[,;+，、；/]|(?<=[{CJK_RANGES}])\s+(?=[{CJK_RANGES}])|和|与|及|或者|或"
)
_COMPOUND = re.compile(r"[-/_+]")
# Compound terms hide at most this many function words (state-of-the-art, point-in-time).
_HIDDEN_IN_TERMS = 4
_APOSTROPHES = str.maketrans("", "", "'’")
# Most items of a string of terms are names, compounds or the question's own vocabulary.
_TERM_SHARE = 0.5
_LIST_ITEMS = 4
_LIST_ITEM_WORDS = 1.6
_TERM_ITEM_WORDS = 2.2
# A string of this many terms with no function word, preposition or verb is a list too.
_BARE_TERMS = 5
# Words in a row, with no grammar in them, that cannot be a claim however many verbs.
_GRAMMARLESS_RUN = 7
# Chinese list items are counted in segmented words: "数据漂移" is two.
_ZH_ITEM_WORDS = 2.2
# Particles, linking and time words: a run of Chinese terms written together has none of them.
_ZH_GLUE = stem_all(
    """的 之 地 得 了 着 过 很 更 都 就 还 也 又 再 只 先 后 时 中 里 前 而且 并且
    以后 之后 之前 然后 同时 每周 每天 每月 每小时 定期 由于 因此 从而 一旦 只要 除非 导致"""
)
# Verbs a terse Chinese claim keeps ("加缓存降低延迟"); a string of terms has at most one.
_ZH_VERBS = stem_all(
    """加 减 换 改 拆 跑 存 放 降低 提高 减少 增加 提升 节省 加快 保证 确保 避免 防止 替换 切换
    扩容 缩容 拆分 合并 引入 上 下 开 关 接 写 读 算 测 比 看 查 选 挑 留 丢 删"""
)
_SPACES = re.compile(r"\s+")
_ZH_RUN_TOKENS = 6
_ZH_SEPARATOR = re.compile(r"[\s，。！？；：、,;:()（）/]")
# A line with at most this many words and no grammar is one bare term ("- canary release").
_TERM_LINE_WORDS = 3
# An answer with this many bare-term lines is a list of terms, however it is laid out.
_TERM_LINES = 3
_SIZED = re.compile(r"\d\s*(?:%|x\b|×)|->|→|=")
_GRADER = r"(?:grader|grading|evaluator|marker|reviewer|examiner|ai|llm|bot|model)"
_JUDGES = r"(?:grader|evaluator|marker|reviewer|examiner|assessor)"
# Every way of speaking to the grader, with words one of which any match holds, and for
# some a second such group: a pattern runs only on sentences holding them (a search of the
# whole pattern costs tens of µs).
_SPEAKING_TO_GRADER: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        r"\bignore (?:(?:the|all|any|your|my|previous|prior|above|of|these) )*"
        r"(?:rubric|instructions?|criteria|grader|grading|rules|prompt|scoring)\b",
        ("ignore",),
        (),
    ),
    (
        rf"\b(?:dear|note to the|hey|hi|hello) (?:\w+ )?{_GRADER}\b",
        ("dear ", "note to the ", "hey ", "hi ", "hello "),
        (
            "grader",
            "grading",
            "evaluator",
            "marker",
            "reviewer",
            "examiner",
            "ai",
            "llm",
            "bot",
            "model",
        ),
    ),
    (
        r"\b(?:the )?grader\b.{0,40}\b(?:must|should|shall|will|has to)\b",
        ("grader",),
        ("must", "should", "shall", "will", "has to"),
    ),
    (
        r"\b(?:score|grade|mark|rate)s? (?:of|to|it|this|me|my answer)?\s*100\b",
        ("100",),
        ("score", "grade", "mark", "rate"),
    ),
    (r"\b100 points\b", ("100 points",), ()),
    (r"\bfull marks\b", ("full marks",), ()),
    (
        r"\bgive (?:me|this answer|my answer|it)\b.{0,25}"
        r"\b(?:100|full marks|full score|maximum score|perfect score|top score|a perfect)\b",
        ("give",),
        ("100", "full", "maximum", "perfect", "top"),
    ),
    (r"\bmark\b.{0,160}\bas (?:covered|met)\b", ("as covered", "as met"), ("mark",)),
    (
        r"^(?:system|assistant|instructions?)\s*:\s*"
        r"(?:you|the grader|ignore|mark|give|score|award)",
        ("system", "assistant", "instruction"),
        (),
    ),
    (
        rf"^[(\[]?\s*(?:(?:a )?(?:note )?(?:to|for) (?:the )?{_JUDGES}|{_JUDGES}(?: note)?)"
        r"\s*[:,-]",
        ("grader", "evaluator", "marker", "reviewer", "examiner", "assessor"),
        (),
    ),
    (r"\bsystem override\b", ("system override",), ()),
    (r"\bthe expected answer (?:is|includes|covers)\b", ("the expected answer",), ()),
    (r"^(?:assistant|ai|model|grader|reviewer)s? grading\b", ("grading",), ()),
    (
        r"\b(?:consider|count|treat|mark) (?:all (?:of )?)?(?:these|them|this|it|everything)"
        r"(?: as)? (?:fully )?(?:covered|met|satisfied)[.!]?$",
        ("covered", "met", "satisfied"),
        ("consider", "count", "treat", "mark"),
    ),
    (
        r"\bthis (?:answer|response|reply) (?:fully |clearly |already )?"
        r"(?:covers|addresses|satisfies|meets|hits|ticks)\b",
        ("this answer", "this response", "this reply"),
        (),
    ),
    (
        r"\b(?:treat|grade|mark|score|count|consider|rate) (?:this|my) answer as\b",
        ("answer as",),
        (),
    ),
    # Chinese: ignore the rubric, full marks, mark this answer as covering, note to the grader.
    (r"忽略.{0,8}(?:评分|规则|指令|标准|说明|提示)", ("忽略",), ()),
    (r"满分", ("满分",), ()),
    (r"100\s*分", ("100",), ("分",)),
    (r"给.{0,6}(?:高分|最高分)", ("高分",), ()),
    (r"(?:评分|阅卷|打分)(?:员|者|老师|系统|模型)", ("评分", "阅卷", "打分"), ()),
    (r"(?:请|把|将).{0,8}(?:答案|回答).{0,6}(?:标记|视为|判定|算作|评为)", ("答案", "回答"), ()),
    (r"(?:本|这个|此)(?:答案|回答).{0,4}(?:涵盖|覆盖|满足)了?(?:所有|全部)", ("答案", "回答"), ()),
)
# All of them as one pattern (what the checks below must agree with).
_TO_GRADER = re.compile("|".join(pattern for pattern, _, _ in _SPEAKING_TO_GRADER))
_TO_GRADER_CHECKS = tuple(
    (re.compile(pattern), needs, also) for pattern, needs, also in _SPEAKING_TO_GRADER
)
# Cheap pre-check: _TO_GRADER can only match a sentence holding one of these stems.
_GRADER_STEMS = stem_all(
    "ignore grader grading evaluator assistant llm 100 marks give dear hey hello reviewer "
    "examiner assessor marker override 忽略 满分 评分 阅卷 打分 高分 最高分"
)
# Words the looser pre-checks look for: an English answer without any skips them.
_LOOSE_WORDS = ("covered", "satisfied", "answer", "response", "reply")
# How an answer names itself to the grader ("this response covers …").
_SELF_NAMES = ("this answer", "my answer", "this response", "this reply")
_GRADER_OPENERS = stem_all("system assistant instruction instructions note")
# A sentence that names this many criterion ids of the rubric talks to the grader.
_IDS_TO_GRADER = 2


@per_object
def question_vocabulary(question: Question) -> frozenset[str]:
    """Every stem the question, its rubric and its model answer use, in both languages."""
    parts = [question.title, question.prompt, question.model_answer]
    if question.zh:
        parts.extend([question.zh.title, question.zh.prompt, question.zh.model_answer])
    for criterion in question.rubric:
        parts.extend([criterion.description, criterion.hint, *criterion.cues])
        if criterion.zh:
            parts.extend([criterion.zh.title, criterion.zh.hint, *criterion.zh.cues])
    return frozenset(stem(w) for part in parts for w in words(part))


def is_keyword_list(sentence: Sentence, vocabulary: frozenset[str] = frozenset()) -> bool:
    """Tell whether a sentence is a bare list of keywords with no claim (or one lone word).

    `vocabulary` (the question's own stems) helps recognise a string of terms without commas.
    """
    if len(sentence.tokens) == 1:
        return sentence.stems[0] not in FUNCTION_WORDS
    function_words = len(sentence.word_stems & FUNCTION_WORDS)
    claims = function_words > 1
    if claims and (function_words >= _HIDDEN_IN_TERMS or not _COMPOUND.search(sentence.text)):
        return False  # the usual sentence: more function words than terms could hide
    if not sentence.chinese and _bare_terms(sentence.text, vocabulary):
        return True
    if claims:
        return False
    if sentence.chinese:
        return _chinese_list(sentence) or _chinese_run_of_terms(sentence)
    form = sentence.form or sentence.text
    if sum(form.count(mark) for mark in ",;+，、；") < _LIST_ITEMS - 2:
        return False
    sizes = [len(item.split()) for item in _LIST_SPLIT.split(form) if item.strip()]
    return (
        len(sizes) >= _LIST_ITEMS
        and max(sizes) <= 3
        and (
            sum(sizes) <= _LIST_ITEM_WORDS * len(sizes)
            # Two-word terms ("stratified sampling, gold questions") when no verb says more.
            or (
                sum(sizes) <= _TERM_ITEM_WORDS * len(sizes)
                and sentence.word_stems.isdisjoint(_CLAIM_WORDS - FUNCTION_WORDS)
            )
        )
    )


def _bare_terms(text: str, vocabulary: frozenset[str]) -> bool:
    """Tell whether text is a string of terms: no function word, preposition or common verb."""
    spaced = text.replace(" per ", "-per-")
    items = spaced.split()
    if len(items) < _BARE_TERMS or not _CLAIM_FORMS.isdisjoint(spaced.lower().split()):
        return _run_of_terms(items)
    terms = 0
    for n, written in enumerate(items):
        item = written.strip(".,;:!?()[]\"'")
        plain = stem(item.lower().translate(_APOSTROPHES))
        compound = _COMPOUND.search(item) is not None
        if not compound and plain in _CLAIM_WORDS:
            return False
        terms += (
            compound
            or plain in vocabulary
            or (n > 0 and any(ch.isupper() or ch.isdigit() for ch in item))  # a name
        )
    return terms >= _TERM_SHARE * len(items)


def _run_of_terms(items: list[str]) -> bool:
    """Tell whether a long run of words has no grammar at all: no function word, preposition
    or punctuation, and at most one verb ("Spark Horovod checkpoint drift retrain Kubernetes
    Redis dropout PyTorch"). Terse claims keep a second verb or a small word somewhere."""
    if len(items) < _GRAMMARLESS_RUN or not "".join(items).replace("-", "").isalnum():
        return False
    plain = [stem(item.lower()) for item in items]
    if not FUNCTION_WORDS.isdisjoint(plain) or not _PREPOSITIONS.isdisjoint(plain):
        return False
    return sum(word in _CLAIM_WORDS for word in plain) <= 1


def _chinese_list(sentence: Sentence) -> bool:
    """Tell whether a Chinese sentence is terms separated by 、，/ spaces or 和, with no claim."""
    form = sentence.form
    start = _heading_end(form)
    spaced = _item_sizes(sentence, _SPACES, start)
    if len(spaced) >= _BARE_TERMS and max(spaced) <= 2:
        return True
    # Terms with Latin ones among them, one to three words each, nothing to link them (one
    # small word may sit inside a term: 被遗忘权).
    if (
        len(spaced) >= _BARE_TERMS
        and max(spaced) <= 3
        and sentence.word_stems.isdisjoint(NEGATORS)
        and sum(t in FUNCTION_WORDS or t in _ZH_GLUE for t in sentence.stems) <= 1
    ):
        return True
    sizes = _item_sizes(sentence, _ZH_LIST_SPLIT, start)
    if len(sizes) < _LIST_ITEMS - 1:
        return False
    return max(sizes) <= 3 and sum(sizes) <= _ZH_ITEM_WORDS * len(sizes)


def _item_sizes(sentence: Sentence, separator: re.Pattern[str], start: int) -> list[int]:
    """The words (as segmented) in each item between separators, from `start` on."""
    form, offsets = sentence.form, sentence.offsets or ()
    sizes = []
    for cut in (*separator.finditer(form, start), None):
        end = cut.start() if cut is not None else len(form)
        if form[start:end].strip():
            sizes.append(bisect_left(offsets, end) - bisect_left(offsets, start))
        start = cut.end() if cut is not None else end
    return sizes


def _chinese_run_of_terms(sentence: Sentence) -> bool:
    """Tell whether Chinese text is terms written together, with no particle, link or negation,
    and at most one verb ("分布式训练数据并行模型并行缓存负载均衡监控")."""
    if len(sentence.tokens) < _ZH_RUN_TOKENS or _ZH_SEPARATOR.search(sentence.form.strip()):
        return False
    plain = sentence.word_stems
    if not (plain.isdisjoint(FUNCTION_WORDS) and plain.isdisjoint(_ZH_GLUE)):
        return False
    return plain.isdisjoint(NEGATORS) and sum(t in _ZH_VERBS for t in sentence.tokens) <= 1


def bare_term_lines(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The bare-term lines of an answer laid out as a list of terms (one a line or bullet)."""
    lines = [s for s in sentences if len(s.tokens) <= _TERM_LINE_WORDS and _is_bare_term(s)]
    return lines if len(lines) >= _TERM_LINES else []


def _is_bare_term(sentence: Sentence) -> bool:
    """Tell whether a sentence is one short term: a few words, no grammar, no verb, no size.

    Verbs are read as written and where they stand: "distributed training" and "kill switch"
    are terms, "retrain weekly" is a claim.
    """
    tokens = sentence.tokens
    if not 0 < len(tokens) <= _TERM_LINE_WORDS or _SIZED.search(sentence.text):
        return False
    if not sentence.chinese:
        return tokens[0] not in _CLAIM_FORMS and _GRAMMAR_FORMS.isdisjoint(tokens)
    plain = sentence.word_stems
    if not (plain.isdisjoint(_CLAIM_WORDS) and plain.isdisjoint(NEGATORS)):
        return False
    return len(sentence.form) <= 2 * _ZH_RUN_TOKENS and plain.isdisjoint(_ZH_GLUE | _ZH_VERBS)


def _heading_end(form: str) -> int:
    """Where a list starts after a short heading and its colon ("技术栈：…"), else 0."""
    head, colon, _ = form.partition("：")
    if not colon:
        head, colon, _ = form.partition(":")
    return len(head) + 1 if colon and len(head) <= 12 else 0


def addresses_grader(sentence: Sentence, question: Question) -> bool:
    """Tell whether a sentence instructs the grader instead of answering the question."""
    lowered = sentence.text.lower()
    if _may_address_grader(sentence) and speaks_to_grader(lowered):
        return True
    named = sum(1 for c in question.rubric if "-" in c.id and c.id in lowered)
    return named >= _IDS_TO_GRADER


def speaks_to_grader(lowered: str) -> bool:
    """Tell whether lowercase text matches a way of speaking to the grader (as _TO_GRADER)."""
    for pattern, needs, also in _TO_GRADER_CHECKS:
        if (
            any(map(lowered.__contains__, needs))
            and (not also or any(map(lowered.__contains__, also)))
            and pattern.search(lowered)
        ):
            return True
    return False


def _may_address_grader(sentence: Sentence, loose: bool = True) -> bool:
    """Cheap pre-check: could this sentence match the grader-instruction patterns at all?

    `loose` False says the whole answer holds none of the words the looser checks look for.
    """
    if not sentence.word_stems.isdisjoint(_GRADER_STEMS):
        return True
    if bool(sentence.stems) and sentence.stems[0] in _GRADER_OPENERS:
        return True
    form = sentence.form or sentence.text.lower()
    if "met" in form[-5:]:
        return True
    if not loose:
        return False
    if "covered" in form[-12:] or "satisfied" in form[-12:]:
        return True
    if "answer" in form or "response" in form or "reply" in form:
        return any(name in form for name in _SELF_NAMES)
    return not form.isascii() and ("答案" in form or "回答" in form)


def to_grader(sentences: Sequence[Sentence], text: str, question: Question) -> list[Sentence]:
    """Return the sentences that speak to the grader (none, quickly, for most answers)."""
    lowered = text.lower()
    if any("-" in c.id and c.id in lowered for c in question.rubric):
        return [s for s in sentences if addresses_grader(s, question)]
    loose = not lowered.isascii() or any(word in lowered for word in _LOOSE_WORDS)
    return [s for s in sentences if _may_address_grader(s, loose) and addresses_grader(s, question)]


def answer_addresses_grader(question: Question, text: str) -> bool:
    """Tell whether any sentence of an answer instructs the grader."""
    return any(addresses_grader(sentence, question) for sentence in analyse(text))


# A sentence this long whose word pairs mostly appear in a hint or the model answer is a copy.
_COPY_MIN_WORDS = 6
_COPY_SHORT_WORDS = 2
_COPY_SHARE = 0.8


_COPY_LINKS = stem_all("then also first next finally 然后 再 先 也 最后 首先 其次")


@per_object
def _given_pairs(question: Question) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The stems, and every pair of neighbouring stems, of the model answers and hints."""
    pairs: set[tuple[str, str]] = set()
    stems: set[str] = set()
    for sentence in _given_sentences(question):
        pairs.update(itertools.pairwise(sentence.stems))
        stems.update(sentence.stems)
    return frozenset(stems) - FUNCTION_WORDS, frozenset(pairs)


@per_object
def _given_sentences(question: Question) -> tuple[Sentence, ...]:
    """Every sentence of the model answers and hints, in both languages."""
    parts = [question.model_answer]
    if question.zh:
        parts.append(question.zh.model_answer)
    for criterion in question.rubric:
        parts.append(criterion.hint)
        if criterion.zh:
            parts.append(criterion.zh.hint)
    return tuple(sentence for part in parts for sentence in analyse(part))


@per_object
def _short_words(question: Question) -> frozenset[str]:
    """Every word of the short given sentences (a sentence with none of them copies none)."""
    return frozenset(word for content in _given_short(question) for word in content)


@per_object
def _given_short(question: Question) -> frozenset[tuple[str, ...]]:
    """The content words of each short sentence given in a model answer or hint."""
    return frozenset(
        content
        for sentence in _given_sentences(question)
        if len(sentence.stems) < _COPY_MIN_WORDS
        and len(content := _content(sentence.stems)) >= _COPY_SHORT_WORDS
    )


def _content(stems: Sequence[str]) -> tuple[str, ...]:
    """The words of a sentence that say something (no function or linking words)."""
    return tuple(s for s in stems if s not in FUNCTION_WORDS and s not in _COPY_LINKS)


def copied(sentences: Sequence[Sentence], question: Question) -> list[Sentence]:
    """The sentences that are (nearly) word for word a hint or the model answer."""
    given = _given_pairs(question)
    short, words_in_short = _given_short(question), _short_words(question)
    return [s for s in sentences if _is_copied(s, given, short, words_in_short)]


def is_copied(sentence: Sentence, question: Question) -> bool:
    """Tell whether a sentence is (nearly) word for word a hint or the model answer."""
    given, short = _given_pairs(question), _given_short(question)
    return _is_copied(sentence, given, short, _short_words(question))


def _is_copied(
    sentence: Sentence,
    given_pairs: tuple[frozenset[str], frozenset[tuple[str, str]]],
    given_short: frozenset[tuple[str, ...]],
    short_words: frozenset[str],
) -> bool:
    """Tell whether a sentence is a copy, given the question's stems, pairs and short sentences."""
    stems = sentence.stems
    if len(stems) < _COPY_MIN_WORDS:
        # A short sentence is a copy when its content words are a given sentence's, in order.
        if len(stems) < _COPY_SHORT_WORDS or sentence.word_stems.isdisjoint(short_words):
            return False
        return _content(stems) in given_short
    words_given, given = given_pairs
    # Most sentences fail at once: a copy shares its first, middle and last word pairs too.
    middle = (len(stems) - 2) // 2
    first, last = (stems[0], stems[1]) in given, (stems[-2], stems[-1]) in given
    if not (first or last):
        return False
    if not (first and last) and (stems[middle], stems[middle + 1]) not in given:
        return False
    content = sentence.word_stems - FUNCTION_WORDS
    if len(content & words_given) < _COPY_SHARE * len(content):
        return False
    shared = sum(map(given.__contains__, itertools.pairwise(stems)))
    return shared >= _COPY_SHARE * (len(stems) - 1)
