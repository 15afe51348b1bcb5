"""One input model per case action (the body of POST /cases/{id}/actions/{action}) plus its envelope."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.case import Role
from models.clock import EdgeDate, EdgeDatetime
from models.enforcement import CompensationRate, PenaltyBasis
from models.identity import ResidentId
from models.money import Amount, Balance
from models.text import Address, OrgName, Reason, Token
from models.text import Comment as Comment


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECORD_SUPPLEMENT = "record_supplement"
    RECORD_FINDING = "record_finding"
    ISSUE_ORDER = "issue_order"
    RECORD_SERVICE = "record_service"
    RECORD_PAYMENT = "record_payment"
    CLOSE = "close"
    EXTEND_INVESTIGATION = "extend_investigation"
    SET_CLEAR_DEADLINE = "set_clear_deadline"
    RECORD_AID = "record_aid"
    PROPOSE_DECISION = "propose_decision"
    SUBMIT_DEFENSE = "submit_defense"
    ISSUE_DECISION = "issue_decision"
    PROPOSE_PENALTY = "propose_penalty"
    REQUEST_HEARING = "request_hearing"
    SCHEDULE_HEARING = "schedule_hearing"
    RECORD_HEARING = "record_hearing"
    RECORD_LEGAL_REVIEW = "record_legal_review"
    RECORD_COLLECTIVE_DISCUSSION = "record_collective_discussion"
    DECIDE_PENALTY = "decide_penalty"
    RECORD_CHALLENGE = "record_challenge"
    RECORD_FINE_PAID = "record_fine_paid"
    RECORD_COURT_ENFORCEMENT = "record_court_enforcement"


ACTION_ZH: dict[Action, str] = {
    Action.ACCEPT: "受理立案",
    Action.REJECT: "不予受理",
    Action.REQUEST_SUPPLEMENT: "通知补正材料",
    Action.RECORD_SUPPLEMENT: "登记补正材料",
    Action.RECORD_FINDING: "记录调查认定",
    Action.ISSUE_ORDER: "责令限期支付",
    Action.RECORD_SERVICE: "登记送达",
    Action.RECORD_PAYMENT: "登记支付",
    Action.CLOSE: "结案",
    Action.EXTEND_INVESTIGATION: "批准延长调查期限",
    Action.SET_CLEAR_DEADLINE: "设定重大案件清零期限",
    Action.RECORD_AID: "登记应急救助",
    Action.PROPOSE_DECISION: "发出行政处理事先告知书",
    Action.SUBMIT_DEFENSE: "登记陈述申辩",
    Action.ISSUE_DECISION: "作出行政处理决定",
    Action.PROPOSE_PENALTY: "发出行政处罚事先告知书",
    Action.REQUEST_HEARING: "登记听证申请",
    Action.SCHEDULE_HEARING: "安排听证",
    Action.RECORD_HEARING: "登记听证情况",
    Action.RECORD_LEGAL_REVIEW: "登记法制审核意见",
    Action.RECORD_COLLECTIVE_DISCUSSION: "登记负责人集体讨论",
    Action.DECIDE_PENALTY: "作出行政处罚决定",
    Action.RECORD_CHALLENGE: "登记复议或诉讼",
    Action.RECORD_FINE_PAID: "登记罚款缴纳",
    Action.RECORD_COURT_ENFORCEMENT: "登记申请法院强制执行",
}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: Comment | None = None


class AcceptBody(Body):
    not_time_barred_because: Reason | None = None
    """Required when the two-year limit looks passed: why the complaint is nevertheless in time."""


class RejectReason(StrEnum):
    """Why a complaint is not accepted; each has its own basis and document (若干规定 art. 18; 条例 art. 20, 21)."""

    TIME_BARRED = "time_barred"
    LABOUR_DISPUTE = "labour_dispute"
    NOT_IN_REMIT = "not_in_remit"
    OTHER_TERRITORY = "other_territory"


REJECT_REASON_ZH: dict[RejectReason, str] = {
    RejectReason.TIME_BARRED: "超过两年查处时效",
    RejectReason.LABOUR_DISPUTE: "属于劳动争议，应通过仲裁或诉讼解决",
    RejectReason.NOT_IN_REMIT: "不属于劳动保障监察事项",
    RejectReason.OTHER_TERRITORY: "不属于本机关管辖",
}


class RejectBody(Body):
    reason_code: RejectReason | None = None
    """Required for every new refusal (checked by ``rules.transitions.check_input``); absent only in
    refusals recorded before reason codes existed, which must still replay."""
    reason: Reason


class RequestSupplementBody(Body):
    missing: Reason
    """What the complainant must complete (补正), in words the complainant can act on."""


class RecordSupplementBody(Body):
    received_at: EdgeDatetime


class FindingLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: ResidentId
    confirmed_amount: Balance


class RecordFindingBody(Body):
    workers: list[FindingLine] = Field(min_length=1, max_length=5000)


class OrderAddressee(StrEnum):
    """Whom the order is addressed to: the employer, or the general contractor when a subcontractor
    owes (保障农民工工资支付条例 art. 30)."""

    EMPLOYER = "employer"
    GENERAL_CONTRACTOR = "general_contractor"


class IssueOrderBody(Body):
    due_date: EdgeDate
    addressee: OrderAddressee = OrderAddressee.EMPLOYER


class ServiceMethod(StrEnum):
    """送达方式 (民事诉讼法 ch. 7 as applied to administrative documents)."""

    DIRECT = "direct"  # 直接送达
    LEFT = "left"  # 留置送达
    POST = "post"  # 邮寄送达
    PUBLIC_NOTICE = "public_notice"  # 公告送达
    ELECTRONIC = "electronic"  # 电子送达, only with the addressee's recorded consent


SERVICE_METHOD_ZH: dict[ServiceMethod, str] = {
    ServiceMethod.DIRECT: "直接送达",
    ServiceMethod.LEFT: "留置送达",
    ServiceMethod.POST: "邮寄送达",
    ServiceMethod.PUBLIC_NOTICE: "公告送达",
    ServiceMethod.ELECTRONIC: "电子送达",
}


class RecordServiceBody(Body):
    notice_id: Token
    served_at: EdgeDatetime
    method: ServiceMethod
    recipient: Reason | None = None
    """Who signed for it (签收人), when not the addressee itself."""
    electronic_consent: Reason | None = None
    """Where the addressee's consent to electronic service is recorded (e.g. 送达地址确认书); required for
    ``electronic``."""


class PaymentSource(StrEnum):
    """Who paid: the employer, or a party liable in its place (保障农民工工资支付条例 art. 29, 30, 32, 36)."""

    EMPLOYER = "employer"
    GENERAL_CONTRACTOR = "general_contractor"
    CONSTRUCTION_UNIT = "construction_unit"
    WAGE_DEPOSIT = "wage_deposit"  # drawdown of the 工资保证金 (art. 32)


class PaymentLine(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: ResidentId
    amount: Amount
    paid_at: EdgeDatetime
    source: PaymentSource = PaymentSource.EMPLOYER


class RecordPaymentBody(Body):
    payments: list[PaymentLine] = Field(min_length=1, max_length=5000)


class RecordAidBody(Body):
    """Emergency aid (应急周转金、困难救助) paid to a worker in hardship: recorded on the case and in its ledger,
    and the employer's debt stays whole (aid is no payment of wages)."""

    id_number: ResidentId
    amount: Amount
    paid_at: EdgeDatetime


class ProposeDecisionBody(Body):
    """The 行政处理事先告知书: the decision intended (wages plus 加付赔偿金 at this rate), before the party
    states and defends its case."""

    compensation_rate: CompensationRate


class DefenseProcedure(StrEnum):
    DECISION = "decision"
    PENALTY = "penalty"


class SubmitDefenseBody(Body):
    """A party's 陈述申辩, as the inspector received it (in writing or recorded in a 笔录)."""

    party: OrgName
    text: Reason
    procedure: DefenseProcedure | None = None
    """Which prior notice it answers; needed only when a decision and a penalty both await a defence."""


class ProposePenaltyBody(Body):
    """The 行政处罚事先告知书: the fine intended and the provision it rests on."""

    basis: PenaltyBasis
    amount: Amount
    facts: Reason | None = None
    """The facts of the violation as the investigation found them (行政处罚法 art. 44, 59 (二)); without them
    the notices name the conduct the provision punishes, which a court may find too general."""


class RequestHearingBody(Body):
    """The party asked for a hearing (within 5 days of the notice, 行政处罚法 art. 64)."""

    requested_at: EdgeDatetime


class ScheduleHearingBody(Body):
    """The hearing's time and place; the 听证通知书 goes out at least 7 days before."""

    hearing_at: EdgeDatetime
    place: Address


class RecordHearingBody(Body):
    held_at: EdgeDatetime
    record: Reason
    """The hearing's record (听证笔录) in brief."""


class RecordReviewBody(Body):
    """法制审核 (art. 58) or 集体讨论 (art. 57): the opinion or the conclusion, in brief."""

    opinion: Reason


class DecidePenaltyBody(Body):
    impose: bool
    amount: Amount | None = None
    """The fine, when imposed; never above the proposed one once the party defended (art. 45)."""
    reason: Reason


class IssueDecisionBody(Body):
    """The head's 行政处理决定: the wages still owed plus 加付赔偿金 at 50%–100% of them."""

    compensation_rate: CompensationRate


class ChallengeKind(StrEnum):
    REVIEW = "review"  # 行政复议, within 60 days of service
    LITIGATION = "litigation"  # 行政诉讼, within 6 months of service


class RecordChallengeBody(Body):
    """The party applied for review or sued against the decision or the fine: no court enforcement then."""

    procedure: DefenseProcedure
    kind: ChallengeKind
    filed_on: EdgeDate


class RecordFinePaidBody(Body):
    paid_on: EdgeDate


class RecordCourtEnforcementBody(Body):
    """The application to the people's court (first: when and to which court), later its outcome."""

    procedure: DefenseProcedure
    filed_on: EdgeDate | None = None
    court: OrgName | None = None
    reference: Token | None = None
    outcome: Reason | None = None


class CloseReason(StrEnum):
    """Why a case closes (劳动保障监察条例 art. 18)."""

    CLEARED = "cleared"
    NO_VIOLATION = "no_violation"
    MINOR_CORRECTED = "minor_corrected"
    TRANSFERRED = "transferred"
    WITHDRAWN = "withdrawn"


class CloseBody(Body):
    reason: CloseReason


class ExtendInvestigationBody(Body):
    """The head approves one extension of the investigation by 30 working days (条例 art. 17), with reasons."""

    reason: Reason


class SetClearDeadlineBody(Body):
    """A supervisor sets the date by which a major or stock case must be cleared (``clear_major``)."""

    due: EdgeDate
    reason: Reason


BODY_MODELS: dict[Action, type[Body]] = {
    Action.ACCEPT: AcceptBody,
    Action.REJECT: RejectBody,
    Action.REQUEST_SUPPLEMENT: RequestSupplementBody,
    Action.RECORD_SUPPLEMENT: RecordSupplementBody,
    Action.RECORD_FINDING: RecordFindingBody,
    Action.ISSUE_ORDER: IssueOrderBody,
    Action.RECORD_SERVICE: RecordServiceBody,
    Action.RECORD_PAYMENT: RecordPaymentBody,
    Action.CLOSE: CloseBody,
    Action.EXTEND_INVESTIGATION: ExtendInvestigationBody,
    Action.SET_CLEAR_DEADLINE: SetClearDeadlineBody,
    Action.RECORD_AID: RecordAidBody,
    Action.PROPOSE_DECISION: ProposeDecisionBody,
    Action.SUBMIT_DEFENSE: SubmitDefenseBody,
    Action.ISSUE_DECISION: IssueDecisionBody,
    Action.PROPOSE_PENALTY: ProposePenaltyBody,
    Action.REQUEST_HEARING: RequestHearingBody,
    Action.SCHEDULE_HEARING: ScheduleHearingBody,
    Action.RECORD_HEARING: RecordHearingBody,
    Action.RECORD_LEGAL_REVIEW: RecordReviewBody,
    Action.RECORD_COLLECTIVE_DISCUSSION: RecordReviewBody,
    Action.DECIDE_PENALTY: DecidePenaltyBody,
    Action.RECORD_CHALLENGE: RecordChallengeBody,
    Action.RECORD_FINE_PAID: RecordFinePaidBody,
    Action.RECORD_COURT_ENFORCEMENT: RecordCourtEnforcementBody,
}


class ActionResult(BaseModel):
    """What an update answers: small on purpose, since every answer is kept in the workflow's history (a
    5,000-worker case must not copy its workers into each). Callers read the case afterwards."""

    case_id: str
    seq: int
    stage: str


class Actor(BaseModel):
    user_id: str
    name: str
    role: Role


SYSTEM = Actor(user_id="system", name="清零引擎", role=Role.ADMIN)
"""The engine itself, as the actor of what it does on its own (warnings, escalations, recounts)."""

B = TypeVar("B", bound=Body)


class ActionInput(BaseModel, Generic[B]):
    """What the API sends as a Temporal update: who acts, and the validated body."""

    actor: Actor
    body: B


INPUT_MODELS: dict[Action, type[ActionInput[Any]]] = {a: ActionInput[m] for a, m in BODY_MODELS.items()}  # type: ignore[valid-type]
