"""The administrative decision (行政处理决定) as a track of the case beside its stage: a prior notice
(行政处理事先告知书) with the party's right to state and defend (陈述申辩), then the head's decision to pay
the wages plus 加付赔偿金 (劳动保障监察条例 art. 26; 劳动合同法 art. 85)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, PlainSerializer, WithJsonSchema

from models.money import Balance

RATE_MIN, RATE_MAX = Decimal("0.50"), Decimal("1.00")
_RATE_TEXT = re.compile(r"^[01](\.[0-9]{1,2})?$")
RATE_PROBLEM = "加付赔偿金比例应在 0.5 至 1.0 之间（应付金额的50%以上1倍以下，《劳动保障监察条例》第二十六条），例如 \"0.5\""


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


class Defense(BaseModel):
    """A party's statement and defence (陈述申辩), as the inspector recorded it."""

    party: str
    text: str
    at: AwareDatetime
    recorded_by: str


class DecisionLine(BaseModel):
    """One worker in the decision: the wages still owed and the 加付赔偿金 on them."""

    id_number: str
    wages: Balance
    compensation: Balance


class DecisionTrack(BaseModel):
    """Where the decision stands: ``noticed`` once the prior notice is issued, ``decided`` once the head
    decided (the 行政处理决定书)."""

    proposed_rate: Decimal
    prior_notice_id: str
    proposed_at: AwareDatetime
    defenses: list[Defense] = []
    rate: Decimal | None = None
    lines: list[DecisionLine] = []
    decided_at: AwareDatetime | None = None
    notice_id: str | None = None

    @property
    def status(self) -> str:
        return "decided" if self.decided_at is not None else "noticed"

    @property
    def wages(self) -> Decimal:
        return sum((line.wages for line in self.lines), Decimal("0.00"))

    @property
    def compensation(self) -> Decimal:
        return sum((line.compensation for line in self.lines), Decimal("0.00"))
