"""Early warnings from a wage-payment monitoring platform (工资支付监控预警, seed 004).

Provinces run platforms that watch the projects' special wage accounts (农民工工资专用账户), real-name attendance
(实名制考勤) and wage deposits (工资保证金). A signal names the employer and the project; it is attached to the open
case of that employer and project, or it opens a case of its own (channel ``inspection``: the bureau acts on its
own initiative, 主动监察) when it names the workers concerned, or it waits, unmatched, for a supervisor.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from models.case import MAX_WORKERS, Party, Strict, WorkerClaim
from models.clock import EdgeDatetime
from models.identity import RegionCode
from models.money import Amount
from models.text import OrgName, Text

SIGNAL_ID_MAX = 64


class SignalKind(StrEnum):
    WAGES_NOT_DEPOSITED = "wages_not_deposited"
    """Wages not paid into the project's special account by payday (专用账户未按时拨付工资)."""
    ATTENDANCE_WITHOUT_PAYROLL = "attendance_without_payroll"
    """Workers clocked in but no payroll was paid for them (有考勤无工资发放记录)."""
    DEPOSIT_SHORTFALL = "deposit_shortfall"
    """The wage deposit is below what the project must hold (工资保证金不足额)."""


SIGNAL_KIND_ZH: dict[SignalKind, str] = {
    SignalKind.WAGES_NOT_DEPOSITED: "工资未按时拨付至专用账户",
    SignalKind.ATTENDANCE_WITHOUT_PAYROLL: "有考勤记录但无工资发放记录",
    SignalKind.DEPOSIT_SHORTFALL: "工资保证金不足额",
}


class SignalOutcome(StrEnum):
    ATTACHED = "attached"
    """Added to the open case of the same employer and project."""
    OPENED = "opened"
    """Opened a case of its own in intake (channel ``inspection``)."""
    UNMATCHED = "unmatched"
    """No open case, and no workers named to open one: waits for a supervisor of the region."""


SIGNAL_OUTCOME_ZH: dict[SignalOutcome, str] = {
    SignalOutcome.ATTACHED: "已并入在办案件",
    SignalOutcome.OPENED: "已据此立案登记（主动监察）",
    SignalOutcome.UNMATCHED: "无在办案件且未列明涉及的劳动者，待科室负责人处理",
}


class MonitoringSignal(Strict):
    """What a monitoring platform reports (``POST /api/v1/signals``)."""

    signal_id: str = Field(
        min_length=1,
        max_length=SIGNAL_ID_MAX,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="平台内预警编号：同一编号重复报送只登记一次",
    )
    kind: SignalKind
    observed_at: EdgeDatetime
    """When the platform saw it (the payday missed, the attendance day, the check of the deposit)."""
    region_code: RegionCode
    """Where the project is (its county): the jurisdiction that handles it."""
    employer: Party
    project_name: OrgName | None = None
    amount: Amount | None = None
    """The wages not deposited, or the shortfall of the deposit (yuan, two decimals)."""
    detail: Text = ""
    workers: list[WorkerClaim] = Field(default_factory=list, max_length=MAX_WORKERS)
    """The workers concerned, from the platform's real-name register: with them, a signal without an open case opens
    one; without them it waits for a supervisor."""

    @model_validator(mode="after")
    def _unique_workers(self) -> MonitoringSignal:
        ids = [w.id_number for w in self.workers]
        if len(ids) != len(set(ids)):
            raise ValueError("同一预警中劳动者身份证号码重复")
        return self


class SignalRecord(BaseModel):
    """A signal as recorded, and what became of it."""

    signal_id: str
    source: str
    """The platform's user name (its credential)."""
    kind: SignalKind
    kind_zh: str
    observed_at: AwareDatetime
    received_at: AwareDatetime
    region_code: str
    employer_name: str
    employer_uscc: str
    project_name: str | None
    amount: str | None
    detail: str
    worker_count: int
    outcome: SignalOutcome
    outcome_zh: str
    case_id: str | None


def worker_period_end(signal: MonitoringSignal) -> date:
    """The last day any named worker was owed for: a case opened from the signal is received no earlier."""
    return max((w.owed_to for w in signal.workers), default=signal.observed_at.date())
