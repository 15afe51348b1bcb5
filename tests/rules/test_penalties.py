"""Penalty rules without a server: each basis's range at its edges, the longest region prefix's threshold,
every fine offered a hearing where no threshold is configured, and collective discussion where configured."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.enforcement import HearingThreshold, PenaltyBasis
from rules.penalties import BASES, HUNAN, hearing_right, range_problem, terms, threshold_for


@pytest.mark.parametrize("basis", list(PenaltyBasis))
def test_each_range_holds_at_its_edges(basis: PenaltyBasis) -> None:
    rule = BASES[basis]
    assert range_problem(basis, rule.minimum) is None and range_problem(basis, rule.maximum) is None
    below = range_problem(basis, rule.minimum - Decimal("0.01"))
    assert below is not None and rule.citation in below
    assert range_problem(basis, rule.maximum + Decimal("0.01")) is not None


def test_art30_is_2000_to_20000() -> None:
    assert (BASES[PenaltyBasis.INSPECTION_ART30].minimum, BASES[PenaltyBasis.INSPECTION_ART30].maximum) == (
        Decimal("2000"),
        Decimal("20000"),
    )


def test_the_longest_prefix_wins() -> None:
    city = HearingThreshold(individual=Decimal("500"), organisation=Decimal("10000"))
    thresholds = {"43": HUNAN, "4301": city}
    assert threshold_for("430102", thresholds) == city
    assert threshold_for("430502", thresholds) == HUNAN
    assert threshold_for("140105", thresholds) is None


def test_hearing_right_at_the_threshold_and_everywhere_without_one() -> None:
    assert hearing_right(Decimal("20000"), HUNAN) and not hearing_right(Decimal("19999.99"), HUNAN)
    assert hearing_right(Decimal("1000"), HUNAN, organisation=False)
    assert hearing_right(Decimal("2000"), None)  # no threshold configured: the party's safe side


def test_terms_read_both_settings() -> None:
    t = terms("430102", Decimal("20000"), {"43": HUNAN}, {"43": Decimal("20000")})
    assert t.hearing_right and t.collective_discussion_required
    t = terms("430102", Decimal("5000"), {"43": HUNAN}, {"43": Decimal("20000")})
    assert not t.hearing_right and not t.collective_discussion_required
