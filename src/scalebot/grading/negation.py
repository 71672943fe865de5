"""Negation: whether a "not", "without" or a denial after a cue governs it."""

from __future__ import annotations

from scalebot.grading.text import Sentence, stem_all

# Chinese words are segmented tokens (rjieba), compared as written (simplified).
NEGATORS = stem_all(
    "not no never without none nor neither cannot dont doesnt didnt wont wouldnt shouldnt "
    "isnt arent cant skip avoid "
    "不 没 没有 无 无需 无须 毋须 不用 不需要 并不需要 别 别用 不必 不要 未 不会 不能 并不 从不 "
    "从未 不是 而不是 不再 甭 勿 免去 省去 不应 不应该 不该 跳过 放弃"
)
# Words after a cue that deny it: "Kubernetes is overkill", "checkpoints are not needed".
AFTER_NEGATORS = stem_all(
    "not never isnt arent wont unnecessary overkill needless pointless dont doesnt useless "
    "unreliable wasteful too "
    "不 没 没有 不必 无需 无须 不用 不需要 并不需要 多余 没必要 不必要 用不着 不值得 大材小用 "
    "小题大做 杀鸡用牛刀 过度设计 无所谓 无关紧要 不重要 不在乎 不关心 没意义 没什么用 没多大用 "
    "没什么意义 没多大意义 不太重要 没那么重要 用处不大 意义不大 没什么 没多大 不太 没那么 "
    "太重 太贵 太慢 太高 太复杂 太麻烦 不靠 不可靠 不靠谱 太"
)
# Denials that take two words: "don't matter", "too risky", and 不 + 需要 once segmented.
_DENIED_BY = {
    "dont": stem_all("matter help need work pay scale"),
    "doesnt": stem_all("matter help need work pay scale"),
    "too": stem_all("risky slow expensive costly complex complicated heavy fragile"),
    "不": stem_all("需要 必要 用 值得 重要 必须 划算 合适 适合 在乎 关心"),
    "没": stem_all("必要 用 有必要 意义"),
    "没有": stem_all("必要 用 意义"),
    "没什么": stem_all("用 意义 必要 价值 帮助 区别"),
    "没多大": stem_all("用 意义 必要 价值 帮助 区别"),
    "不太": stem_all("重要 需要 必要 有用 值得 划算"),
    "没那么": stem_all("重要 必要 有用 值得"),
    "太": stem_all("重 贵 慢 复杂 麻烦 难 累 费劲 折腾 冒险"),
}
# Denials that need their second word ("too risky", "没什么用"); the others stand alone.
_PAIRED_ONLY = stem_all("too 太 没什么 没多大 不太 没那么")
_ALONE_AFTER_NEGATORS = AFTER_NEGATORS - _PAIRED_ONLY
_AFTER_SKIP = stem_all(
    "is are be was were do does really just also "
    "就 也 都 其实 根本 完全 并 真的 是 就是 倒是 暂时 还 更 那种 这种 那些 这些 事 事情 的话 呢"
)
_NOT_REALLY_NEGATING = stem_all(
    "only just merely necessarily matter doubt 只 仅 仅仅 光 只是 仅是 一定 单单 但 只有"
)
_CLAUSE_BREAKS = stem_all(
    "but however although though instead rather while so then once because "
    "但 但是 而是 不过 然而 可是 因为 所以 因此 于是 只要 如果 否则 就 才 则"
)
# After a comma or colon, these words start a new clause and end a negation's reach.
_CLAUSE_STARTERS = stem_all(
    "i we you they it this that these a an the my our since because which when if as plus "
    "also just yet"
)
_NEGATION_REACH = 10
# How many other words may sit between a cue and a denial after it ("joins are overkill").
_DENIAL_REACH = 2
_DENIAL_STEPS = 6


def may_negate(sentence: Sentence) -> bool:
    """Cheap pre-check: could anything in this sentence negate a cue?"""
    stems = sentence.word_stems
    if not (stems.isdisjoint(NEGATORS) and stems.isdisjoint(_ALONE_AFTER_NEGATORS)):
        return True
    if stems.isdisjoint(_PAIRED_ONLY):
        return False
    return any(first in stems and not stems.isdisjoint(_DENIED_BY[first]) for first in _PAIRED_ONLY)


def _clause_start(sentence: Sentence, position: int, floor: int) -> int:
    """Return where the clause holding this token starts, looking back no further than floor."""
    for i in range(position, max(floor, 0), -1):
        if sentence.stems[i - 1] in _CLAUSE_BREAKS:
            return i
        if i in sentence.breaks and (
            i in sentence.hard_breaks or sentence.stems[i] in _CLAUSE_STARTERS
        ):
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
    last = min(len(stems), end + 1 + _DENIAL_STEPS)
    if AFTER_NEGATORS.isdisjoint(stems[i:last]):
        return False
    others = 0
    while i < last and i not in sentence.breaks and stems[i] not in AFTER_NEGATORS:
        if stems[i] not in _AFTER_SKIP and (stems[i] in _CLAUSE_BREAKS or stems[i] in NEGATORS):
            return False
        others += stems[i] not in _AFTER_SKIP
        if others > _DENIAL_REACH:
            return False
        i += 1
    if i >= last or i in sentence.breaks:
        return False
    following = stems[i + 1] if i + 1 < len(stems) and i + 1 not in sentence.breaks else ""
    if stems[i] in _DENIED_BY:
        if following in _DENIED_BY[stems[i]]:
            return True
        # A 没 that denies something else may come before the denial ("没分数这种事也不用管").
        return others < _DENIAL_REACH and _denied_after(sentence, i + 1)
    return following not in _NOT_REALLY_NEGATING
