"""The administrative decision (行政处理决定) as a track of the case beside its stage: a prior notice
(行政处理事先告知书) with the party's right to state and defend (陈述申辩), then the head's decision to pay
the wages plus 加付赔偿金 (劳动保障监察条例 art. 26; 劳动合同法 art. 85)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, PlainSerializer, WithJsonSchema, model_validator

from models.money import Balance

RATE_MIN, RATE_MAX = Decimal("0.50"), Decimal("1.00")
_RATE_TEXT = re.compile(r"^[01](\.[0-9]{1,2})?$")
RATE_PROBLEM = (
    "加付赔偿金比例应在 0.5 至 1.0 之间（应付金额的50%以上1倍以下，《劳动保障监察条例》第二十六条），"
    '以字符串填写，例如 "0.5"'
)


def parse_rate(value: Any) -> Decimal:
    """The rate of 加付赔偿金 as a fraction of the amount owed: 0.50–1.00, at most two decimals; from JSON
    only as a string (like amounts: no binary float touches money)."""
    if isinstance(value, Decimal):
        rate = value
    elif isinstance(value, str) and _RATE_TEXT.fullmatch(value):
        rate = Decimal(value)
    else:
        raise ValueError(RATE_PROBLEM)
    if not rate.is_finite() or not RATE_MIN <= rate <= RATE_MAX or rate != rate.quantize(Decimal("0.01")):
        raise ValueError(RATE_PROBLEM)
    return rate.quantize(Decimal("0.01"))


CompensationRate = Annotated[
    Decimal,
    BeforeValidator(parse_rate),
    PlainSerializer(lambda d: f"{d:.2f}", return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^[01](\.[0-9]{1,2})?$", "examples": ["0.5", "1.00"]}),
]


class PenaltyBasis(StrEnum):
    """The provisions a labour inspection fine can rest on (ranges: rules/penalties.py)."""

    INSPECTION_ART30 = "inspection_art30"  # 劳动保障监察条例 art. 30
    WAGE_ART54 = "wage_art54"  # 保障农民工工资支付条例 art. 54
    WAGE_ART55 = "wage_art55"
    WAGE_ART56 = "wage_art56"
    WAGE_ART57 = "wage_art57"


class HearingThreshold(BaseModel):
    """A province's large-fine threshold (较大数额): at or above it the party has the right to a hearing."""

    individual: Decimal
    organisation: Decimal


ONE_WORKER_RANGE = (Decimal("5000"), Decimal("20000"))
"""法释〔2013〕3号 art. 3 (一): one worker's wages for 3 months or more, 5,000–20,000 yuan."""
TEN_WORKERS_RANGE = (Decimal("30000"), Decimal("100000"))
"""Art. 3 (二): 10 or more workers, 30,000–100,000 yuan in total."""


class CriminalThreshold(BaseModel):
    """A province's figures for "数额较大" (法释〔2013〕3号 art. 3): one worker owed 3 months or more, and 10 or
    more workers in total; each inside the interpretation's national range, or refused with the reason."""

    one_worker: Decimal
    ten_workers: Decimal

    @model_validator(mode="after")
    def _inside_the_national_ranges(self) -> CriminalThreshold:
        for value, (low, high), who in (
            (self.one_worker, ONE_WORKER_RANGE, "一名劳动者"),
            (self.ten_workers, TEN_WORKERS_RANGE, "十名以上劳动者累计"),
        ):
            if not low <= value <= high:
                raise ValueError(
                    f"{who}的数额标准应在 {low:,.0f} 至 {high:,.0f} 元之间（法释〔2013〕3号第三条），而不是 {value}"
                )
        return self


class PenaltyTerms(BaseModel):
    """What the configuration says of a proposed fine in a region (read by an activity: configuration
    changes, a workflow's history must not)."""

    hearing_right: bool
    collective_discussion_required: bool


class Defense(BaseModel):
    """A party's statement and defence (陈述申辩), as the inspector recorded it."""

    party: str
    text: str
    at: AwareDatetime
    recorded_by: str


class CourtEnforcement(BaseModel):
    """After a decision or a fine is served: the party may apply for review (60 days) or sue (6 months);
    if it does neither and does not comply, the bureau applies to the court within 3 months (行政强制法
    art. 53)."""

    served_on: date | None = None
    """When the decision (or the 行政处罚决定书) was served: the periods run from here."""
    challenge: str | None = None
    """``review`` (行政复议) or ``litigation`` (行政诉讼), once the party challenged it."""
    challenged_on: date | None = None
    opened_at: AwareDatetime | None = None
    """When the periods passed unchallenged and not complied with: the court-enforcement deadline opened."""
    not_needed_at: AwareDatetime | None = None
    """When the periods passed and the party had complied: nothing to enforce."""
    filed_on: date | None = None
    court: str | None = None
    reference: str | None = None
    outcome: str | None = None

    @property
    def status(self) -> str:
        if self.outcome:
            return "concluded"
        if self.filed_on:
            return "filed"
        if self.opened_at:
            return "due"
        if self.not_needed_at:
            return "not_needed"
        if self.challenge:
            return "challenged"
        return "running" if self.served_on else "not_served"


class DecisionLine(BaseModel):
    """One worker in the decision: the wages still owed and the 加付赔偿金 on them."""

    id_number: str
    wages: Balance
    compensation: Balance


class DecisionTrack(BaseModel):
    """Where the decision stands: ``noticed`` once the prior notice is issued, ``decided`` once the head
    decided (the 行政处理决定书)."""

    proposed_rate: Decimal
    proposed_at: AwareDatetime
    prior_notice_id: str | None = None
    """The 行政处理事先告知书 (set once it is issued)."""
    defenses: list[Defense] = []
    rate: Decimal | None = None
    lines: list[DecisionLine] = []
    decided_at: AwareDatetime | None = None
    notice_id: str | None = None
    enforcement: CourtEnforcement = CourtEnforcement()

    @property
    def status(self) -> str:
        return "decided" if self.decided_at is not None else "noticed"

    @property
    def wages(self) -> Decimal:
        return sum((line.wages for line in self.lines), Decimal("0.00"))

    @property
    def compensation(self) -> Decimal:
        return sum((line.compensation for line in self.lines), Decimal("0.00"))


class PenaltyTrack(BaseModel):
    """The 行政处罚 sub-process: proposed (事先告知书), perhaps a hearing, legal review and collective
    discussion, then the head's decision (行政处罚决定书) within 90 days of 立案 (行政处罚法 2021 art. 60)."""

    basis: PenaltyBasis
    facts: str | None = None
    """The facts found, as the inspector stated them (printed in the notice and the decision)."""
    proposed_amount: Balance
    proposed_at: AwareDatetime
    hearing_right: bool
    """The fine reaches the province's large-fine threshold (or none is configured): the party may ask for a
    hearing within 5 days of the notice's service (art. 63–64)."""
    collective_discussion_required: bool = False
    prior_notice_id: str | None = None
    defenses: list[Defense] = []
    hearing_requested_at: AwareDatetime | None = None
    hearing_at: AwareDatetime | None = None
    hearing_place: str | None = None
    """Where the hearing is held, as scheduled (printed on the 听证通知书, art. 64 (二))."""
    hearing_notice_id: str | None = None
    hearing_held_at: AwareDatetime | None = None
    hearing_record: str | None = None
    legal_review_at: AwareDatetime | None = None
    legal_review: str | None = None
    collective_discussion_at: AwareDatetime | None = None
    collective_discussion: str | None = None
    decided_at: AwareDatetime | None = None
    imposed: bool | None = None
    amount: Balance | None = None
    reason: str | None = None
    notice_id: str | None = None
    fine_paid_on: date | None = None
    enforcement: CourtEnforcement = CourtEnforcement()

    @property
    def status(self) -> str:
        if self.decided_at is not None:
            return "decided" if self.imposed else "not_imposed"
        if self.hearing_requested_at is not None and self.hearing_held_at is None:
            return "hearing"
        return "proposed"

    @property
    def defended(self) -> bool:
        """The party stated and defended its case, in writing or at a hearing (art. 45: no heavier penalty)."""
        return bool(self.defenses) or self.hearing_held_at is not None
