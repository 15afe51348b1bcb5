"""The long arm's sub-processes, each a child workflow of its case with its own slim state and clock: the
arrears blacklist (失信联合惩戒名单, 人社部令第45号) and the criminal referral (行政执法机关移送涉嫌犯罪案件的规定,
国务院令第310号). docs/long-arm.md tells the procedures; docs/procedure-core.md why they are child workflows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from models.case import Deadline, Employer, Escalation, ProcedureState
from models.enforcement import CriminalThreshold, Defense
from models.identity import ResidentId
from models.money import Balance
from models.text import OrgName, PersonName
from models.track_summary import TRACK_ZH as TRACK_ZH
from models.track_summary import TrackKind as TrackKind
from models.track_summary import TrackSummary as TrackSummary

_KIND_CODE = {TrackKind.BLACKLIST: 1, TrackKind.REFERRAL: 2}
MAX_TRACKS = 9
"""Sub-processes of one kind a case may start (a dropped listing may be proposed again on new facts)."""
SEQ_STRIDE = 10_000_000
"""A sub-process writes its history rows into its case's history, chained with the case's own, with seqs of its
own: ``SEQ_STRIDE × (10 × kind + number) + n`` (blacklist/1: 110,000,001, …), never one the case counts (from 1)
or the shared clock writes (negative). Its escalations rows take the same numbers as positions: the shared clock's
positions (rules.escalation.shared_code: a date × 10, 200,000,000–209,999,999 for 2000–2099) fall between those of
blacklist/9 and referral/1."""
OCCURRENCE_STRIDE = 1000
"""The same for its notices' occurrence numbers: ``1000 × (number − 1) + n`` within its kinds."""


def track_id(case_id: str, kind: TrackKind, number: int) -> str:
    """The child workflow's id, deterministic: ``<case id>/blacklist/1``."""
    return f"{case_id}/{kind.value}/{number}"


def seq_base(kind: TrackKind, number: int) -> int:
    return SEQ_STRIDE * (10 * _KIND_CODE[kind] + number)


def stream_of(seq: int) -> int:
    """Which writer's count a history row's seq belongs to: 0 the case, else its sub-process (-1 the shared clock)."""
    return -1 if seq < 0 else seq // SEQ_STRIDE


class PartyRole(StrEnum):
    """Who is listed (45号令 art. 5 ¶2): the employer, its legal representative or principal person in charge,
    and the managers and other persons directly responsible."""

    EMPLOYER = "employer"
    LEGAL_REPRESENTATIVE = "legal_representative"
    RESPONSIBLE_PERSON = "responsible_person"


PARTY_ROLE_ZH: dict[PartyRole, str] = {
    PartyRole.EMPLOYER: "用人单位",
    PartyRole.LEGAL_REPRESENTATIVE: "法定代表人或者主要负责人",
    PartyRole.RESPONSIBLE_PERSON: "直接负责的主管人员和其他直接责任人员",
}


class PersonParty(BaseModel):
    """A natural person to be listed, as the inspector names them."""

    model_config = ConfigDict(extra="forbid")
    role: Literal[PartyRole.LEGAL_REPRESENTATIVE, PartyRole.RESPONSIBLE_PERSON]
    name: PersonName
    id_number: ResidentId
    position: OrgName | None = None
    """职务, e.g. 项目经理."""


class BlacklistBasis(StrEnum):
    """45号令 art. 5 ¶1: after an order to pay was ignored, either amount or incident."""

    LARGE_AMOUNT = "large_amount"  # (一) 数额达到认定拒不支付劳动报酬罪数额标准
    MASS_INCIDENT = "mass_incident"  # (二) 引发群体性事件
    EXTREME_INCIDENT = "extreme_incident"  # (二) 引发极端事件、造成严重不良社会影响


BASIS_ZH: dict[BlacklistBasis, str] = {
    BlacklistBasis.LARGE_AMOUNT: "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
    BlacklistBasis.MASS_INCIDENT: "因拖欠农民工工资违法行为引发群体性事件",
    BlacklistBasis.EXTREME_INCIDENT: "因拖欠农民工工资违法行为引发极端事件，造成严重不良社会影响",
}


class ListedParty(BaseModel):
    """A party of a listing procedure: its prior notice, service, defence and decisions."""

    index: int
    role: PartyRole
    name: str
    uscc: str | None = None
    id_number: str | None = None
    position: str | None = None
    notice_id: str | None = None
    """Its 告知书."""
    served_on: date | None = None
    defense_due: date | None = None
    """The last day of its defence period, once the 告知书 is served."""
    defenses: list[Defense] = Field(default_factory=list)
    decision_notice_id: str | None = None
    removal_notice_id: str | None = None


class OrderFacts(BaseModel):
    """The order to pay the sub-process rests on: its number, service and pay-by date."""

    doc_number: str
    notice_id: str
    served_at: AwareDatetime
    receipt_doc_number: str | None = None
    due: date


class TrackState(ProcedureState):
    """What both sub-processes share: the case they belong to and their own clock."""

    track_id: str
    number: int
    case_number: str | None = None
    employer: Employer
    order: OrderFacts
    created_by: str
    assignee: str | None = None
    started_at: AwareDatetime
    deadlines: list[Deadline] = Field(default_factory=list)
    escalations: list[Escalation] = Field(default_factory=list)
    shared_clock: bool = False
    """Sub-processes raise every alarm on their own clock."""
    outstanding: Balance
    """The migrant workers' wages still owed when it started (updated as payments are passed on)."""
    owed_workers: int
    threshold: CriminalThreshold | None = None
    """The province's figures for 数额较大 the API applied when it started (recorded, for the audit)."""
    threshold_is_provincial: bool = True
    case_open: bool = True
    paid_in_full_on: date | None = None


class BlacklistStatus(StrEnum):
    PROPOSED = "proposed"  # 告知书 issued; parties being served and heard
    LISTED = "listed"  # 列入决定书 issued; the 3-year term runs
    DROPPED = "dropped"  # the head decided not to list
    REMOVED = "removed"  # removed early (信用修复)
    EXPIRED = "expired"  # the term ended


BLACKLIST_STATUS_ZH: dict[BlacklistStatus, str] = {
    BlacklistStatus.PROPOSED: "已告知，听取陈述申辩",
    BlacklistStatus.LISTED: "已列入名单",
    BlacklistStatus.DROPPED: "决定不予列入",
    BlacklistStatus.REMOVED: "已提前移出",
    BlacklistStatus.EXPIRED: "期满移出",
}
BLACKLIST_ENDED = frozenset({BlacklistStatus.DROPPED, BlacklistStatus.REMOVED, BlacklistStatus.EXPIRED})


class RemovalApplication(BaseModel):
    applied_on: date
    promise: str
    recorded_by: str
    decided_at: AwareDatetime | None = None
    granted: bool | None = None
    reason: str | None = None
    notice_id: str | None = None


class BlacklistState(TrackState):
    kind: Literal[TrackKind.BLACKLIST] = TrackKind.BLACKLIST
    status: BlacklistStatus = BlacklistStatus.PROPOSED
    basis: BlacklistBasis
    facts: str
    parties: list[ListedParty]
    decided_at: AwareDatetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    term_start: date | None = None
    term_end: date | None = None
    """The listing ends at the start of this day (3 years from the decision)."""
    removals: list[RemovalApplication] = Field(default_factory=list)
    ended_on: date | None = None

    def stage_name(self) -> str:
        return self.status.value

    def party(self, name: str) -> ListedParty | None:
        return next((p for p in self.parties if p.name == name), None)

    @property
    def open_removal(self) -> RemovalApplication | None:
        last = self.removals[-1] if self.removals else None
        return last if last is not None and last.decided_at is None else None


class ReferralStatus(StrEnum):
    """At most 20 characters: a status is a history row's stage before and after (``case_events.stage_*``)."""

    AWAITING_APPROVAL = "awaiting_approval"  # 移送报告 before the head (3 days)
    REFUSED = "refused"  # the head did not approve (reasons recorded)
    APPROVED = "approved"  # to be transferred within 24 hours
    TRANSFERRED = "transferred"  # with the police; their decision due in 3 days
    POLICE_ACCEPTED = "police_accepted"  # 立案: materials handed over within 3 days
    HANDED_OVER = "handed_over"
    POLICE_REFUSED = "police_refused"  # 不予立案: 3 days to ask for reconsideration
    RECONSIDERATION_REQUESTED = "reconsidering"
    RECONSIDERATION_REFUSED = "reconsider_refused"  # 3 days to ask the procuratorate to supervise
    SUPERVISION_REQUESTED = "supervision_asked"


REFERRAL_STATUS_ZH: dict[ReferralStatus, str] = {
    ReferralStatus.AWAITING_APPROVAL: "移送报告待负责人审批",
    ReferralStatus.REFUSED: "负责人不批准移送",
    ReferralStatus.APPROVED: "已批准，待移送公安机关",
    ReferralStatus.TRANSFERRED: "已移送，待公安机关决定是否立案",
    ReferralStatus.POLICE_ACCEPTED: "公安机关已立案，待移交涉案物品和材料",
    ReferralStatus.HANDED_OVER: "公安机关已立案，材料已移交",
    ReferralStatus.POLICE_REFUSED: "公安机关不予立案，可提请复议",
    ReferralStatus.RECONSIDERATION_REQUESTED: "已提请复议，待公安机关复议决定",
    ReferralStatus.RECONSIDERATION_REFUSED: "复议维持不予立案，可建议检察院立案监督",
    ReferralStatus.SUPERVISION_REQUESTED: "已建议人民检察院立案监督",
}


class PassedPayment(BaseModel):
    """Payments recorded on the case after the referral, as passed on to the police."""

    at: AwareDatetime
    paid_total: Balance
    outstanding: Balance
    notice_id: str | None = None


class PoliceDecision(BaseModel):
    accepted: bool
    reference: str
    decided_on: date
    reconsideration: bool
    """The answer to the bureau's request for reconsideration, not the first decision."""
    recorded_at: AwareDatetime


class ReferralState(TrackState):
    kind: Literal[TrackKind.REFERRAL] = TrackKind.REFERRAL
    status: ReferralStatus = ReferralStatus.AWAITING_APPROVAL
    report: str
    officers: list[str]
    report_notice_id: str | None = None
    decided_at: AwareDatetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    transfer_notice_id: str | None = None
    evidence_notice_id: str | None = None
    transferred_at: AwareDatetime | None = None
    police_organ: str | None = None
    police_receipt: str | None = None
    police_decisions: list[PoliceDecision] = Field(default_factory=list)
    reconsideration_requested_on: date | None = None
    supervision_requested_on: date | None = None
    procuratorate: str | None = None
    handed_over_on: date | None = None
    handed_over_items: str | None = None
    payments: list[PassedPayment] = Field(default_factory=list)

    def stage_name(self) -> str:
        return self.status.value


REFERRAL_ENDED = frozenset({ReferralStatus.REFUSED, ReferralStatus.HANDED_OVER, ReferralStatus.SUPERVISION_REQUESTED})
"""Statuses after which nothing is due from the bureau: the workflow still passes payments on until the case ends."""

AnyTrackState = Annotated[BlacklistState | ReferralState, Field(discriminator="kind")]


class TrackStart(BaseModel):
    """The child workflow's input: its state at the start, or (continued as new) the state it had."""

    state: AnyTrackState
    resume: bool = False


class CasePaid(BaseModel):
    """The case's signal to its sub-processes after payments: totals, and the day the last wages were paid."""

    at: AwareDatetime
    paid_total: Balance
    outstanding: Balance
    paid_in_full_on: date | None = None


AMOUNT_ZERO = Decimal("0.00")
