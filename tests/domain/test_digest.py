"""Most improved: the biggest rise in average score, with enough answers in both weeks."""

from __future__ import annotations

from datetime import date

from scalebot.domain.digest import DigestWeeks, WeekAverage, most_improved, week_start


def test_the_biggest_rise_wins_among_members_with_enough_answers_in_both_weeks() -> None:
    before = [WeekAverage(1, "Ann", 2, 40.0), WeekAverage(2, "Ben", 3, 10.0)]
    before.append(WeekAverage(3, "Cy", 1, 0.0))  # too few answers the week before
    after = [WeekAverage(1, "Ann", 2, 70.0), WeekAverage(2, "Ben", 2, 50.0)]
    after.append(WeekAverage(3, "Cy", 5, 100.0))
    best = most_improved(before, after)
    assert best is not None
    assert (best.name, best.before, best.after, best.rise) == ("Ben", 10.0, 50.0, 40.0)


def test_a_tie_goes_to_the_higher_average_and_nobody_rising_names_nobody() -> None:
    before = [WeekAverage(1, "Ann", 2, 40.0), WeekAverage(2, "Ben", 2, 20.0)]
    after = [WeekAverage(1, "Ann", 2, 60.0), WeekAverage(2, "Ben", 2, 40.0)]
    best = most_improved(before, after)
    assert best is not None
    assert best.name == "Ann"
    assert most_improved(after, before) is None
    assert most_improved([], after) is None


def test_weeks_start_on_monday_and_the_digest_looks_back_one_and_two_weeks() -> None:
    assert week_start(date(2026, 3, 15)) == date(2026, 3, 9)  # a Sunday
    weeks = DigestWeeks(date(2026, 3, 16))
    assert (weeks.last, weeks.last_sunday, weeks.before) == (
        date(2026, 3, 9),
        date(2026, 3, 15),
        date(2026, 3, 2),
    )
