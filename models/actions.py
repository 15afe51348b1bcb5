"""One input model per case action (the body of POST /cases/{id}/actions/{action}) plus its envelope."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.case import Role
from models.clock import EdgeDate, EdgeDatetime
from models.enforcement import CompensationRate, CriminalThreshold, PenaltyBasis
from models.identity import ResidentId
from models.money import Amount, Balance
from models.text import Address, OrgName, PersonName, Reason, Token
from models.text import Comment as Comment
from models.tracks import BlacklistBasis, PersonParty, TrackKind


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
    PUBLISH_VIOLATION = "publish_violation"
    PROPOSE_BLACKLIST = "propose_blacklist"
    DECIDE_BLACKLIST = "decide_blacklist"
    APPLY_REMOVAL = "apply_removal"
    DECIDE_REMOVAL = "decide_removal"
    REFER_TO_POLICE = "refer_to_police"
    DECIDE_REFERRAL = "decide_referral"
    RECORD_TRANSFER = "record_transfer"
    RECORD_POLICE_DECISION = "record_police_decision"
    REQUEST_RECONSIDERATION = "request_reconsideration"
    REQUEST_SUPERVISION = "request_supervision"
    RECORD_HANDOVER = "record_handover"
    ASSIGN = "assign"


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
    Action.PUBLISH_VIOLATION: "决定向社会公布重大劳动保障违法行为",
    Action.PROPOSE_BLACKLIST: "提请列入失信联合惩戒名单",
    Action.DECIDE_BLACKLIST: "作出是否列入名单决定",
    Action.APPLY_REMOVAL: "登记信用修复（提前移出）申请",
    Action.DECIDE_REMOVAL: "作出是否提前移出决定",
    Action.REFER_TO_POLICE: "提出涉嫌犯罪案件移送报告",
    Action.DECIDE_REFERRAL: "审批涉嫌犯罪案件移送",
    Action.RECORD_TRANSFER: "登记移送公安机关",
    Action.RECORD_POLICE_DECISION: "登记公安机关立案决定",
    Action.REQUEST_RECONSIDERATION: "提请公安机关复议",
    Action.REQUEST_SUPERVISION: "建议人民检察院立案监督",
    Action.RECORD_HANDOVER: "登记移交涉案材料",
    Action.ASSIGN: "分派承办监察员",
}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: Comment | None = None


class AssignBody(Body):
    """A supervisor gives the case to an inspector (from the regional queue, or from one inspector to another). The
    caller names the account (``assignee``: its user name); the API checks it is an inspector of the case's region
    and sends the workflow the account's id."""

    assignee: str = Field(min_length=1, max_length=100)
    reason: Reason


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


class DefenseFor(StrEnum):
    """What a 陈述申辩 answers: the case's decision or penalty, or a listing (handled by the listing's own
    workflow; the API routes it there)."""

    DECISION = "decision"
    PENALTY = "penalty"
    BLACKLIST = "blacklist"


class SubmitDefenseBody(Body):
    """A party's 陈述申辩, as the inspector received it (in writing or recorded in a 笔录)."""

    party: OrgName
    text: Reason
    procedure: DefenseFor | None = None
    """Which prior notice it answers; needed only when a decision and a penalty both await a defence, and for a
    listing (``blacklist``)."""


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


class PublishViolationBody(Body):
    """重大劳动保障违法行为社会公布 (人社部令第29号): the head decides to publish a decided case's violation."""

    violation: Reason
    """The violation as published (the law's wording and the facts; never a worker's name)."""


class ProposeBlacklistBody(Body):
    """Starts the listing procedure (人社部令第45号 art. 5, 7): the grounds and the natural persons to list
    beside the employer, which is always a party."""

    basis: BlacklistBasis
    facts: Reason
    persons: list[PersonParty] = Field(min_length=1, max_length=20)
    """The legal representative or principal person in charge (exactly one), and any directly responsible
    persons."""
    threshold: CriminalThreshold | None = None
    """Set by the API from the configuration (whatever a caller sends is replaced): the province's figures
    for 数额较大 the grounds are tested against, recorded with the action."""
    threshold_is_provincial: bool = True


class DecideBlacklistBody(Body):
    list: bool
    reason: Reason


class ApplyRemovalBody(Body):
    """信用修复: the party applied for early removal, with its written promise of good faith (45号令 art. 14)."""

    applied_on: EdgeDate
    promise: Reason
    """The 守信承诺书 in brief."""


class DecideRemovalBody(Body):
    remove: bool
    reason: Reason


class ReferToPoliceBody(Body):
    """The 涉嫌犯罪案件移送报告 (国务院令第310号 art. 5) by the team of at least two officers."""

    report: Reason
    officers: list[PersonName] = Field(min_length=2, max_length=10)
    threshold: CriminalThreshold | None = None
    """Set by the API from the configuration, as for ``propose_blacklist``."""
    threshold_is_provincial: bool = True


class DecideReferralBody(Body):
    approve: bool
    reason: Reason


class RecordTransferBody(Body):
    """The case went to the police (art. 8): when, to whom, and the police's receipt (回执), if given."""

    transferred_at: EdgeDatetime
    police_organ: OrgName
    receipt: Token | None = None


class RecordPoliceDecisionBody(Body):
    """The police's written decision whether to open a case (立案) (art. 8), or their reconsideration's."""

    accepted: bool
    reference: Token
    decided_on: EdgeDate


class RequestReconsiderationBody(Body):
    requested_on: EdgeDate
    reason: Reason


class RequestSupervisionBody(Body):
    requested_on: EdgeDate
    procuratorate: OrgName
    reason: Reason


class RecordHandoverBody(Body):
    """The items and material handed to the police once they opened a case (art. 12)."""

    handed_over_on: EdgeDate
    items: Reason


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
    Action.PUBLISH_VIOLATION: PublishViolationBody,
    Action.PROPOSE_BLACKLIST: ProposeBlacklistBody,
    Action.DECIDE_BLACKLIST: DecideBlacklistBody,
    Action.APPLY_REMOVAL: ApplyRemovalBody,
    Action.DECIDE_REMOVAL: DecideRemovalBody,
    Action.REFER_TO_POLICE: ReferToPoliceBody,
    Action.DECIDE_REFERRAL: DecideReferralBody,
    Action.RECORD_TRANSFER: RecordTransferBody,
    Action.RECORD_POLICE_DECISION: RecordPoliceDecisionBody,
    Action.REQUEST_RECONSIDERATION: RequestReconsiderationBody,
    Action.REQUEST_SUPERVISION: RequestSupervisionBody,
    Action.RECORD_HANDOVER: RecordHandoverBody,
    Action.ASSIGN: AssignBody,
}

TRACK_ACTIONS: dict[Action, TrackKind] = {
    Action.DECIDE_BLACKLIST: TrackKind.BLACKLIST,
    Action.APPLY_REMOVAL: TrackKind.BLACKLIST,
    Action.DECIDE_REMOVAL: TrackKind.BLACKLIST,
    Action.DECIDE_REFERRAL: TrackKind.REFERRAL,
    Action.RECORD_TRANSFER: TrackKind.REFERRAL,
    Action.RECORD_POLICE_DECISION: TrackKind.REFERRAL,
    Action.REQUEST_RECONSIDERATION: TrackKind.REFERRAL,
    Action.REQUEST_SUPERVISION: TrackKind.REFERRAL,
    Action.RECORD_HANDOVER: TrackKind.REFERRAL,
}
"""Actions handled by a sub-process's workflow, not the case's. ``submit_defense`` with ``procedure: blacklist``
and ``record_service`` of a sub-process's notice go there too (the API routes them: api/routes/tracks.py)."""
BLACKLIST_SHARED = frozenset({Action.SUBMIT_DEFENSE, Action.RECORD_SERVICE})
"""Updates the listing workflow has under the case's names."""


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
