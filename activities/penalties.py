"""What configuration says of a proposed fine (the hearing threshold, collective discussion): an activity,
because configuration changes and a running case's history must not."""

from __future__ import annotations

from decimal import Decimal

from temporalio import activity

from models.activities import ASSESS_PENALTY, AssessPenaltyInput
from models.enforcement import HearingThreshold, PenaltyTerms
from rules.penalties import terms


class PenaltyActivities:
    def __init__(self, thresholds: dict[str, HearingThreshold], collective_from: dict[str, Decimal]) -> None:
        self._thresholds = thresholds
        self._collective_from = collective_from

    @activity.defn(name=ASSESS_PENALTY)
    async def assess_penalty(self, inp: AssessPenaltyInput) -> PenaltyTerms:
        return terms(inp.region_code, inp.amount, self._thresholds, self._collective_from)
