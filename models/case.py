"""What a wage-arrears case is: intake, parties, workers, deadlines and the workflow's state."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from models.clock import EdgeDate, EdgeDatetime, shanghai_date
from models.enforcement import DecisionTrack, PenaltyTrack
from models.identity import USCC, Phone, RegionCode, ResidentId, birth_date
from models.money import ZERO, Amount, Balance
from models.text import Address, OrgName, PersonName
from models.text import Reason as Reason
from models.text import Text as Text
from models.track_summary import Publication, TrackSummary

MAX_WORKERS = 5000
WAGES_BEGIN = date(2000, 1, 1)
"""No wage period the system takes in starts or ends before this."""

Name = PersonName
"""A person's name (models.text): 1–50 characters; organisations and projects use ``OrgName``."""


class Stage(StrEnum):
    INTAKE = "intake"
    INVESTIGATING = "investigating"
    ORDERED = "ordered"
    DECIDED = "decided"
    CLEARED = "cleared"
    CLOSED = "closed"
    REJECTED = "rejected"


STAGE_ZH: dict[Stage, str] = {
    Stage.INTAKE: "登记待受理",
    Stage.INVESTIGATING: "立案调查",
    Stage.ORDERED: "已责令限期支付",
    Stage.DECIDED: "已作出处理决定",
    Stage.CLEARED: "已清零",
    Stage.CLOSED: "已结案",
    Stage.REJECTED: "不予受理",
}
TERMINAL_STAGES = frozenset({Stage.CLOSED, Stage.REJECTED})


class Channel(StrEnum):
    HOTLINE = "hotline"
    WEBSITE = "website"
    WALK_IN = "walk_in"
    LETTER = "letter"
    PLATFORM_REFERRAL = "platform_referral"
    INSPECTION = "inspection"


class Role(StrEnum):
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    HEAD = "head"  # 劳动保障行政部门负责人: approves extensions, decisions, listings, transfers
    ADMIN = "admin"
    MONITOR = "monitor"  # 工资支付监控预警平台: a machine credential that only reports signals (api/routes/signals.py)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Party(Strict):
    name: OrgName
    uscc: USCC


class Industry(StrEnum):
    """国民经济行业分类 (GB/T 4754-2017), its 门类 (sections): what open data may say of an employer."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    I = "I"  # noqa: E741 - the standard's own letter
    J = "J"
    K = "K"
    L = "L"
    M = "M"
    N = "N"
    O = "O"  # noqa: E741 - the standard's own letter
    P = "P"
    Q = "Q"
    R = "R"
    S = "S"
    T = "T"


INDUSTRY_ZH: dict[Industry, str] = {
    Industry.A: "农、林、牧、渔业",
    Industry.B: "采矿业",
    Industry.C: "制造业",
    Industry.D: "电力、热力、燃气及水生产和供应业",
    Industry.E: "建筑业",
    Industry.F: "批发和零售业",
    Industry.G: "交通运输、仓储和邮政业",
    Industry.H: "住宿和餐饮业",
    Industry.I: "信息传输、软件和信息技术服务业",
    Industry.J: "金融业",
    Industry.K: "房地产业",
    Industry.L: "租赁和商务服务业",
    Industry.M: "科学研究和技术服务业",
    Industry.N: "水利、环境和公共设施管理业",
    Industry.O: "居民服务、修理和其他服务业",
    Industry.P: "教育",
    Industry.Q: "卫生和社会工作",
    Industry.R: "文化、体育和娱乐业",
    Industry.S: "公共管理、社会保障和社会组织",
    Industry.T: "国际组织",
}


class Employer(Party):
    legal_representative: PersonName | None = None
    address: Address | None = None
    industry: Industry | None = None
    """Its section of GB/T 4754-2017 (建筑业 is E), if known: open data's industry (docs/open-data.md)."""


class Project(Strict):
    name: OrgName
    general_contractor: Party | None = None
    construction_unit: Party | None = None
    area_code: str | None = Field(default=None, pattern=r"^\d{6}(\d{3})?$")
    """Where the project is: its county (6 digits) or town/street (9 digits). Routing (rules/routing.py) prefers it
    to the complaint's region."""


class Complainant(Strict):
    name: PersonName
    id_number: ResidentId | None = None
    phone: Phone | None = None


def _wage_period_date(value: date) -> date:
    if value < WAGES_BEGIN:
        raise ValueError("欠薪期间的日期不能早于2000年1月1日，请核对")
    return value


OwedDate = Annotated[EdgeDate, AfterValidator(_wage_period_date)]
"""A day of a wage period: ``YYYY-MM-DD``, not before 2000-01-01 (after the receipt date: see ``dated_errors``)."""


class WorkerClaim(Strict):
    name: PersonName
    id_number: ResidentId
    phone: Phone | None = None
    owed_amount: Amount
    owed_from: OwedDate
    owed_to: OwedDate

    @model_validator(mode="after")
    def _period_in_order(self) -> WorkerClaim:
        if self.owed_from > self.owed_to:
            raise ValueError("欠薪起始日期不能晚于截止日期")
        return self


Loc = tuple[str | int, ...]


class CaseIntake(Strict):
    """The body of a complaint (投诉/举报) as the interface defines it."""

    received_at: EdgeDatetime
    channel: Channel
    region_code: RegionCode
    employer: Employer
    project: Project | None = None
    complainant: Complainant
    workers: list[WorkerClaim] = Field(min_length=1, max_length=MAX_WORKERS)
    description: Text = ""
    major: bool = False

    @model_validator(mode="after")
    def _unique_workers(self) -> CaseIntake:
        seen: set[str] = set()
        for worker in self.workers:
            if worker.id_number in seen:
                raise ValueError("同一投诉中劳动者身份证号码重复")
            seen.add(worker.id_number)
        return self

    def dated_errors(self, now: datetime) -> list[tuple[Loc, str]]:
        """Checks that need a clock (or that old cases never had), so they run at the edge (API) before
        a workflow starts, never inside one: a workflow replays its intake with whatever rules are current."""
        errors: list[tuple[Loc, str]] = []
        if self.received_at > now + timedelta(minutes=5):
            errors.append((("received_at",), "收到投诉的时间不能晚于当前时间"))
        today = shanghai_date(now)
        received = min(shanghai_date(self.received_at), today)
        for i, worker in enumerate(self.workers):
            if worker.owed_to > today:
                errors.append((("workers", i, "owed_to"), "欠薪截止日期不能晚于今天"))
            elif worker.owed_to > received:
                errors.append((("workers", i, "owed_to"), f"欠薪截止日期不能晚于收到投诉的日期（{received:%Y-%m-%d}）"))
            if worker.owed_from > today:
                errors.append((("workers", i, "owed_from"), "欠薪起始日期不能晚于今天"))
            errors += _birth_errors(("workers", i, "id_number"), worker.id_number, today, received)
        if self.complainant.id_number is not None:
            errors += _birth_errors(("complainant", "id_number"), self.complainant.id_number, today, received)
        return errors


def _birth_errors(loc: Loc, id_number: str, today: date, received: date) -> list[tuple[Loc, str]]:
    born = birth_date(id_number)
    if born > today:
        return [(loc, "身份证号码中的出生日期晚于今天，请核对")]
    if born > received:
        return [(loc, f"身份证号码中的出生日期晚于收到投诉的日期（{received:%Y-%m-%d}），请核对")]
    return []


class WorkerState(BaseModel):
    name: str
    id_number: str
    phone: str | None = None
    claimed_amount: Balance
    confirmed_amount: Balance | None = None
    paid_amount: Balance = ZERO
    owed_from: date
    owed_to: date

    @property
    def amount_due(self) -> Decimal:
        return self.claimed_amount if self.confirmed_amount is None else self.confirmed_amount

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount_due - self.paid_amount, ZERO)


class DeadlineKind(StrEnum):
    ACCEPTANCE = "acceptance"
    INVESTIGATION = "investigation"
    PAYMENT_ORDER = "payment_order"
    CLEAR_3_MONTHS = "clear_3_months"
    CLEAR_YEAR_END = "clear_year_end"
    CLEAR_BEFORE_NEW_YEAR = "clear_before_new_year"
    CLEAR_BEFORE_SPRING_FESTIVAL = "clear_before_spring_festival"
    CLEAR_MAJOR = "clear_major"
    SERVICE = "service"
    BLACKLIST_DEFENSE = "blacklist_defense"
    BLACKLIST_DECISION = "blacklist_decision"
    PENALTY_HEARING_REQUEST = "penalty_hearing_request"
    REFERRAL_APPROVAL = "referral_approval"
    REFERRAL_TRANSFER = "referral_transfer"
    POLICE_DECISION = "police_decision"
    RECONSIDERATION_REQUEST = "reconsideration_request"
    EARLY_REMOVAL_DECISION = "early_removal_decision"
    DECISION_DEFENSE = "decision_defense"
    PENALTY_DEFENSE = "penalty_defense"
    PENALTY_DECISION = "penalty_decision"
    PENALTY_SERVICE = "penalty_service"
    COURT_ENFORCEMENT = "court_enforcement"
    SUPERVISION_REQUEST = "supervision_request"
    MATERIALS_HANDOVER = "materials_handover"


DEADLINE_ZH: dict[DeadlineKind, str] = {
    DeadlineKind.ACCEPTANCE: "受理期限",
    DeadlineKind.INVESTIGATION: "调查办结期限",
    DeadlineKind.PAYMENT_ORDER: "限期支付期限",
    DeadlineKind.CLEAR_3_MONTHS: "三个月内清零",
    DeadlineKind.CLEAR_YEAR_END: "年底前清零",
    DeadlineKind.CLEAR_BEFORE_NEW_YEAR: "元旦前清零",
    DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL: "春节前清零",
    DeadlineKind.CLEAR_MAJOR: "重大（存量）案件限期清零",
    DeadlineKind.SERVICE: "指令书送达期限",
    DeadlineKind.BLACKLIST_DEFENSE: "列入名单陈述申辩期",
    DeadlineKind.BLACKLIST_DECISION: "列入名单决定期限",
    DeadlineKind.PENALTY_HEARING_REQUEST: "申请听证期限",
    DeadlineKind.REFERRAL_APPROVAL: "移送审批期限",
    DeadlineKind.REFERRAL_TRANSFER: "移送公安期限",
    DeadlineKind.POLICE_DECISION: "公安立案决定期限",
    DeadlineKind.RECONSIDERATION_REQUEST: "提请复议期限",
    DeadlineKind.EARLY_REMOVAL_DECISION: "提前移出决定期限",
    DeadlineKind.DECISION_DEFENSE: "行政处理陈述申辩期",
    DeadlineKind.PENALTY_DEFENSE: "行政处罚陈述申辩期",
    DeadlineKind.PENALTY_DECISION: "行政处罚决定期限",
    DeadlineKind.PENALTY_SERVICE: "行政处罚决定书送达期限",
    DeadlineKind.COURT_ENFORCEMENT: "申请人民法院强制执行期限",
    DeadlineKind.SUPERVISION_REQUEST: "建议立案监督期限",
    DeadlineKind.MATERIALS_HANDOVER: "移交涉案材料期限",
}

PARTY_PERIODS = frozenset(
    {
        DeadlineKind.DECISION_DEFENSE,
        DeadlineKind.PENALTY_DEFENSE,
        DeadlineKind.BLACKLIST_DEFENSE,
        DeadlineKind.PENALTY_HEARING_REQUEST,
        DeadlineKind.RECONSIDERATION_REQUEST,
        DeadlineKind.SUPERVISION_REQUEST,
    }
)
"""Periods that are the party's, not the bureau's: shown on the case, never warned of nor escalated (the
bureau cannot be late on them); they tell when the bureau may act."""

CLEAR_KINDS = (
    DeadlineKind.CLEAR_3_MONTHS,
    DeadlineKind.CLEAR_YEAR_END,
    DeadlineKind.CLEAR_BEFORE_NEW_YEAR,
    DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL,
)
"""The clear-to-zero (三个清零) targets every case carries from intake; ``clear_major`` is set by a supervisor."""

SHARED_KINDS = (
    DeadlineKind.CLEAR_YEAR_END,
    DeadlineKind.CLEAR_BEFORE_NEW_YEAR,
    DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL,
)
"""Targets that fall on one shared day for every case of a year (Dec 31, the Spring Festival's eve): with
the shared clock (workflows/shared_clock.py) one timer per day raises them for all cases at once."""


class DeadlineStatus(StrEnum):
    PENDING = "pending"
    MET = "met"
    MET_LATE = "met_late"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class Deadline(BaseModel):
    """A deadline ends at 24:00 (Asia/Shanghai) of ``due``."""

    kind: DeadlineKind
    start: date
    due: date
    working_days: int | None = None
    status: DeadlineStatus = DeadlineStatus.PENDING
    provisional: bool = False
    basis: str = ""
    met_at: date | None = None
    """The Shanghai date it was met; after ``due`` the status is ``met_late``, never ``met``."""
    suspended_since: date | None = None
    """The clock stands still from this date (补正: the acceptance clock waits for the material)."""
    warn_on: date | None = None
    """The assignee is warned at the start of this day (by default 3 working days before ``due``); None: no
    warning (the period is too short, or the deadline predates warnings)."""
    escalate_after: date | None = None
    """Overdue until the end of this day (by default 5 working days after ``due``): level 2 to the head."""
    extended_by: int | None = None
    """Working days added by an approved extension (the investigation: once, 30, by the head)."""
    subject: str | None = None
    """Whose period it is, when a procedure runs one per party (a listing's defence periods: the party's name)."""

    @property
    def open(self) -> bool:
        """Still running: pending, or overdue and not yet met."""
        return self.status in (DeadlineStatus.PENDING, DeadlineStatus.OVERDUE)


class EscalationKind(StrEnum):
    WARNING = "warning"  # level 0: to the assignee, before the deadline
    OVERDUE = "overdue"  # level 1: to the supervisor, when the deadline passes
    SUPERVISION = "supervision"  # level 2: to the head, with a 督办通知书


ESCALATION_LEVEL: dict[EscalationKind, int] = {
    EscalationKind.WARNING: 0,
    EscalationKind.OVERDUE: 1,
    EscalationKind.SUPERVISION: 2,
}
ESCALATION_ZH: dict[EscalationKind, str] = {
    EscalationKind.WARNING: "临期提醒",
    EscalationKind.OVERDUE: "逾期提级（一级）",
    EscalationKind.SUPERVISION: "逾期督办（二级）",
}


class Escalation(BaseModel):
    """A warning or escalation the engine raised on its own; each is also a history event."""

    kind: EscalationKind
    level: int
    deadline_kind: DeadlineKind
    due: date
    """The due date it was raised for: a deadline whose date moves gets its own warnings for the new date."""
    at: AwareDatetime
    addressee_role: Role
    addressee: str | None = None
    """The user it is addressed to (a warning: the assignee); None: every holder of the role in the region."""
    notice: str | None = None
    """The 督办通知书's document number (level 2)."""


class Payment(BaseModel):
    id_number: str
    amount: Amount
    paid_at: AwareDatetime
    source: str = "employer"

    def key(self) -> tuple[str, Decimal, datetime, str]:
        """The same worker, amount, moment and payer twice is one payment entered twice."""
        return (self.id_number, self.amount, self.paid_at, self.source)


def totals_by_source(payments: Iterable[Payment], into: dict[str, Decimal] | None = None) -> dict[str, Decimal]:
    """Payments summed per payer, added to ``into`` (a copy) if given."""
    totals = dict(into or {})
    for p in payments:
        totals[p.source] = totals.get(p.source, ZERO) + p.amount
    return totals


class Aid(BaseModel):
    """Emergency aid to a worker (应急周转金): money the worker received, none of it wages the employer paid."""

    id_number: str
    amount: Amount
    paid_at: AwareDatetime

    def key(self) -> tuple[str, Decimal, datetime]:
        return (self.id_number, self.amount, self.paid_at)


class NoticeRef(BaseModel):
    notice_id: str
    kind: str
    doc_number: str
    issued_at: AwareDatetime
    sha256: str
    served_at: AwareDatetime | None = None
    service_method: str | None = None
    service_recipient: str | None = None
    receipt_id: str | None = None
    """The 送达回证 that proves the service."""

    @property
    def served(self) -> bool:
        return self.served_at is not None


class Limitation(BaseModel):
    """The two-year limit (劳动保障监察条例 art. 20): counted from the day the arrears ended."""

    violation_ended: date
    limit_ends: date
    time_barred: bool
    barred_workers: int = 0


class ProcedureState(BaseModel):
    """What every procedure's workflow state has, so one procedure core (workflows/procedure.py) serves
    the case and its sub-processes alike."""

    case_id: str
    region_code: str
    last_seq: int = 0
    history_hash: str | None = None
    """The hash of the last history row this workflow wrote (the case's chain, db/chain.py), as its record
    activity answered: ``qingling audit verify --against-temporal`` finds it in the database's chain, so a chain
    rewritten consistently in the database is still detected. None until the first row written with a hash."""
    registered: bool = False
    notices: list[NoticeRef] = Field(default_factory=list)

    def stage_name(self) -> str:
        raise NotImplementedError

    def notice(self, notice_id: str) -> NoticeRef | None:
        return next((n for n in self.notices if n.notice_id == notice_id), None)


class CaseState(ProcedureState):
    """The workflow's state of one case: the truth for that case."""

    case_number: str | None = None
    stage: Stage = Stage.INTAKE
    received_at: AwareDatetime
    channel: Channel
    employer: Employer
    project: Project | None = None
    complainant: Complainant
    workers: list[WorkerState]
    description: str = ""
    major: bool = False
    created_by: str
    assignee: str | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)
    paid_by_source: dict[str, Balance] = Field(default_factory=dict)
    """What each payer paid in total (employer, general_contractor, construction_unit, wage_deposit): kept
    beside ``payments`` because activities and the read model receive the state without them."""
    aid: list[Aid] = Field(default_factory=list)
    """Emergency aid paid to workers: shown with the payments, never counted as paid (domain: 清零)."""
    decision: DecisionTrack | None = None
    """The administrative decision (行政处理决定), once its prior notice is issued."""
    penalty: PenaltyTrack | None = None
    """The administrative penalty (行政处罚), once its prior notice is issued."""
    tracks: list[TrackSummary] = Field(default_factory=list)
    """The sub-processes it started (blacklist, referral: child workflows), as they last reported."""
    publication: Publication | None = None
    """The head's decision to publish the case as a major violation (重大劳动保障违法行为社会公布)."""

    @model_validator(mode="after")
    def _totals_from_payments(self) -> CaseState:
        """A state saved before the totals were kept (a case continued as new) gets them from its payments."""
        if self.payments and not self.paid_by_source:
            self.paid_by_source = totals_by_source(self.payments)
        return self

    accepted_at: AwareDatetime | None = None
    order_due: date | None = None
    closed_at: AwareDatetime | None = None
    close_reason: str | None = None
    rejection_reason: str | None = None
    rejection_code: str | None = None
    limitation: Limitation | None = None
    not_time_barred_because: str | None = None
    supplement_missing: str | None = None
    supplement_requested_at: AwareDatetime | None = None
    """What the complainant was asked to complete (补正); None when nothing is outstanding."""
    order_addressee: str | None = None
    escalations: list[Escalation] = Field(default_factory=list)
    clear_major_reason: str | None = None
    """Why a supervisor set a ``clear_major`` date (a major or stock case)."""
    shared_clock: bool = False
    """The shared-day targets (SHARED_KINDS) are raised by the shared clock, not by this case's own timers."""

    def stage_name(self) -> str:
        return self.stage.value

    @property
    def owed_total(self) -> Decimal:
        return sum((w.amount_due for w in self.workers), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((w.paid_amount for w in self.workers), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((w.outstanding for w in self.workers), ZERO)

    @property
    def aid_total(self) -> Decimal:
        return sum((a.amount for a in self.aid), ZERO)

    def worker(self, id_number: str) -> WorkerState | None:
        return next((w for w in self.workers if w.id_number == id_number), None)

    def deadline(self, kind: DeadlineKind) -> Deadline | None:
        return next((d for d in self.deadlines if d.kind == kind), None)

    def latest_notice(self, kind: str) -> NoticeRef | None:
        return next((n for n in reversed(self.notices) if n.kind == kind), None)
