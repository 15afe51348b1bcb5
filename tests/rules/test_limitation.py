"""The two-year limit (劳动保障监察条例 art. 20), counted from the end of a continuing violation."""

from __future__ import annotations

from datetime import date

import pytest

from rules.limitation import limitation, years_after


@pytest.mark.parametrize(
    ("received", "ended", "barred"),
    [
        (date(2026, 11, 20), date(2024, 11, 20), False),  # the last day of the two years still counts
        (date(2026, 11, 21), date(2024, 11, 20), True),
        (date(2026, 11, 20), date(2026, 9, 30), False),
        (date(2028, 2, 28), date(2026, 2, 28), False),
    ],
)
def test_two_years_from_the_end(received: date, ended: date, barred: bool) -> None:
    result = limitation(received, [ended])
    assert (result.violation_ended, result.time_barred) == (ended, barred)


def test_a_continuing_violation_counts_from_its_latest_end() -> None:
    result = limitation(date(2026, 11, 20), [date(2023, 1, 31), date(2025, 3, 31)])
    assert not result.time_barred
    assert result.violation_ended == date(2025, 3, 31) and result.limit_ends == date(2027, 3, 31)
    assert result.barred_workers == 1  # one worker's own arrears ended long ago: shown, not decisive


def test_leap_day_moves_to_the_28th() -> None:
    assert years_after(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert limitation(date(2026, 3, 1), [date(2024, 2, 29)]).time_barred


def test_no_workers_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        limitation(date(2026, 11, 20), [])
