"""One input model per case action (the body of POST /cases/{id}/actions/{action}) plus its envelope."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from models.case import Reason, Role
from models.identity import ResidentId
from models.money import Amount, Balance

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    RECORD_FINDING = "record_finding"
    ISSUE_ORDER = "issue_order"
    RECORD_PAYMENT = "record_payment"
    CLOSE = "close"


ACTION_ZH: dict[Action, str] = {
    Action.ACCEPT: "受理立案",
    Action.REJECT: "不予受理",
    Action.RECORD_FINDING: "记录调查认定",
    Action.ISSUE_ORDER: "责令限期支付",
    Action.RECORD_PAYMENT: "登记支付",
    Action.CLOSE: "结案",
}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: Comment | None = None


class AcceptBody(Body):
    pass


class RejectBody(Body):
    reason: Reason


class FindingLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: ResidentId
    confirmed_amount: Balance


class RecordFindingBody(Body):
    workers: list[FindingLine] = Field(min_length=1, max_length=5000)


class IssueOrderBody(Body):
    due_date: date


class PaymentSource(StrEnum):
    """Who paid: the employer, or a party liable in its place (保障农民工工资支付条例 art. 29, 30, 32, 36)."""

    EMPLOYER = "employer"
    GENERAL_CONTRACTOR = "general_contractor"
    CONSTRUCTION_UNIT = "construction_unit"
    GUARANTEE_DEPOSIT = "guarantee_deposit"


class PaymentLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: ResidentId
    amount: Amount
    paid_at: AwareDatetime
    source: PaymentSource = PaymentSource.EMPLOYER


class RecordPaymentBody(Body):
    payments: list[PaymentLine] = Field(min_length=1, max_length=5000)


class CloseReason(StrEnum):
    CLEARED = "cleared"
    WITHDRAWN = "withdrawn"
    NO_VIOLATION = "no_violation"
    TRANSFERRED = "transferred"


class CloseBody(Body):
    reason: CloseReason


BODY_MODELS: dict[Action, type[Body]] = {
    Action.ACCEPT: AcceptBody,
    Action.REJECT: RejectBody,
    Action.RECORD_FINDING: RecordFindingBody,
    Action.ISSUE_ORDER: IssueOrderBody,
    Action.RECORD_PAYMENT: RecordPaymentBody,
    Action.CLOSE: CloseBody,
}


class Actor(BaseModel):
    user_id: str
    name: str
    role: Role


B = TypeVar("B", bound=Body)


class ActionInput(BaseModel, Generic[B]):
    """What the API sends as a Temporal update: who acts, and the validated body."""

    actor: Actor
    body: B


INPUT_MODELS: dict[Action, type[ActionInput[Any]]] = {a: ActionInput[m] for a, m in BODY_MODELS.items()}  # type: ignore[valid-type]
