"""Official notices (执法文书): kinds, issuers and what a template receives."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field


class NoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理通知书
    REJECTION = "rejection"  # 不予受理通知书 (time_barred, labour_dispute)
    REDIRECTION = "redirection"  # 告知书: which body or bureau to go to (not_in_remit, other_territory)
    SUPPLEMENT = "supplement"  # 补正通知书
    PAYMENT_ORDER = "payment_order"  # 劳动保障监察限期改正指令书 (责令限期支付工资)
    CLOSING = "closing"  # 结案通知书
    SERVICE_RECEIPT = "service_receipt"  # 送达回证
    SUPERVISION = "supervision"  # 督办通知书: an internal notice to the handling unit, 5 working days overdue
    DECISION_NOTICE = "decision_notice"  # 行政处理事先告知书
    DECISION = "decision"  # 行政处理决定书
    PENALTY_NOTICE = "penalty_notice"  # 行政处罚事先告知书 (with the hearing right for a large fine)
    HEARING_NOTICE = "hearing_notice"  # 听证通知书
    PENALTY_DECISION = "penalty_decision"  # 行政处罚决定书
    COURT_APPLICATION = "court_application"  # 强制执行申请书, to the people's court
    BLACKLIST_NOTICE = "blacklist_notice"  # 列入失信联合惩戒名单告知书, one per party
    BLACKLIST_DECISION = "blacklist_decision"  # 列入失信联合惩戒名单决定书, one per party
    BLACKLIST_REMOVAL = "blacklist_removal"  # 提前移出失信联合惩戒名单决定书, one per party
    REMOVAL_REFUSAL = "removal_refusal"  # 不予提前移出失信联合惩戒名单决定书, to the applicant
    REFERRAL_REPORT = "referral_report"  # 涉嫌犯罪案件移送报告, to the head (internal)
    REFERRAL_TRANSFER = "referral_transfer"  # 涉嫌犯罪案件移送书, to the police
    EVIDENCE_LIST = "evidence_list"  # 涉嫌犯罪案件移送材料清单, with the transfer
    RECONSIDERATION_REQUEST = "reconsideration_request"  # 提请复议书, to the police
    SUPERVISION_REQUEST = "supervision_request"  # 立案监督建议书, to the procuratorate
    REFERRAL_PAYMENT = "referral_payment"  # 补充移送材料函: payments made after the transfer, to the police


NOTICE_TITLES: dict[NoticeKind, str] = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.REJECTION: "不予受理通知书",
    NoticeKind.REDIRECTION: "告知书",
    NoticeKind.SUPPLEMENT: "补正通知书",
    NoticeKind.PAYMENT_ORDER: "劳动保障监察限期改正指令书",
    NoticeKind.CLOSING: "结案通知书",
    NoticeKind.SERVICE_RECEIPT: "送达回证",
    NoticeKind.SUPERVISION: "督办通知书",
    NoticeKind.DECISION_NOTICE: "行政处理事先告知书",
    NoticeKind.DECISION: "行政处理决定书",
    NoticeKind.PENALTY_NOTICE: "行政处罚事先告知书",
    NoticeKind.HEARING_NOTICE: "听证通知书",
    NoticeKind.PENALTY_DECISION: "行政处罚决定书",
    NoticeKind.COURT_APPLICATION: "强制执行申请书",
    NoticeKind.BLACKLIST_NOTICE: "列入拖欠农民工工资失信联合惩戒对象名单告知书",
    NoticeKind.BLACKLIST_DECISION: "列入拖欠农民工工资失信联合惩戒对象名单决定书",
    NoticeKind.BLACKLIST_REMOVAL: "提前移出拖欠农民工工资失信联合惩戒对象名单决定书",
    NoticeKind.REMOVAL_REFUSAL: "不予提前移出拖欠农民工工资失信联合惩戒对象名单决定书",
    NoticeKind.REFERRAL_REPORT: "涉嫌犯罪案件移送报告",
    NoticeKind.REFERRAL_TRANSFER: "涉嫌犯罪案件移送书",
    NoticeKind.EVIDENCE_LIST: "涉嫌犯罪案件移送材料清单",
    NoticeKind.RECONSIDERATION_REQUEST: "提请复议书",
    NoticeKind.SUPERVISION_REQUEST: "立案监督建议书",
    NoticeKind.REFERRAL_PAYMENT: "补充移送材料函",
}

# Type abbreviation inside the document number, e.g. 小人社监令〔2026〕15号.
DOC_TYPE_ABBR: dict[NoticeKind, str] = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.REJECTION: "不受",
    NoticeKind.REDIRECTION: "告",
    NoticeKind.SUPPLEMENT: "补",
    NoticeKind.PAYMENT_ORDER: "令",
    NoticeKind.CLOSING: "结",
    NoticeKind.SERVICE_RECEIPT: "送",
    NoticeKind.SUPERVISION: "督",
    NoticeKind.DECISION_NOTICE: "处告",
    NoticeKind.DECISION: "处决",
    NoticeKind.PENALTY_NOTICE: "罚告",
    NoticeKind.HEARING_NOTICE: "听",
    NoticeKind.PENALTY_DECISION: "罚决",
    NoticeKind.COURT_APPLICATION: "执申",
    NoticeKind.BLACKLIST_NOTICE: "失告",
    NoticeKind.BLACKLIST_DECISION: "失决",
    NoticeKind.BLACKLIST_REMOVAL: "失移",
    NoticeKind.REMOVAL_REFUSAL: "失不移",
    NoticeKind.REFERRAL_REPORT: "移报",
    NoticeKind.REFERRAL_TRANSFER: "移",
    NoticeKind.EVIDENCE_LIST: "移清",
    NoticeKind.RECONSIDERATION_REQUEST: "移复",
    NoticeKind.SUPERVISION_REQUEST: "移监",
    NoticeKind.REFERRAL_PAYMENT: "移补",
}

REFERRAL_KINDS = frozenset(
    {
        NoticeKind.REFERRAL_REPORT,
        NoticeKind.REFERRAL_TRANSFER,
        NoticeKind.EVIDENCE_LIST,
        NoticeKind.RECONSIDERATION_REQUEST,
        NoticeKind.SUPERVISION_REQUEST,
        NoticeKind.REFERRAL_PAYMENT,
    }
)
"""The referral's documents: internal, or to the police and the procuratorate (their receipt is recorded with the
transfer), never served on a party."""
BLACKLIST_KINDS = frozenset(
    {
        NoticeKind.BLACKLIST_NOTICE,
        NoticeKind.BLACKLIST_DECISION,
        NoticeKind.BLACKLIST_REMOVAL,
        NoticeKind.REMOVAL_REFUSAL,
    }
)
CASE_KINDS = tuple(k for k in NoticeKind if k not in REFERRAL_KINDS | BLACKLIST_KINDS)
"""The kinds a case issues from its own state (the others are a sub-process's: notices/long_arm_text.py)."""
SERVED_KINDS = frozenset(
    k
    for k in NoticeKind
    if k not in (NoticeKind.SERVICE_RECEIPT, NoticeKind.SUPERVISION, NoticeKind.COURT_APPLICATION, *REFERRAL_KINDS)
)
"""Every notice to a party is served on its addressee and can record that service; the proof of service,
the internal 督办通知书, the application filed with the court and the referral's papers are not."""


class Bureau(BaseModel):
    """The issuing labour inspection body for a region."""

    name: str
    abbr: str
    region_code: str
    address: str = ""
    phone: str = ""
    review_body: str = ""
    """行政复议机关 named in the rights clause; empty means 本级人民政府 of the bureau's region."""
    court: str = ""
    """人民法院 named in the rights clause for 行政诉讼 (行政诉讼法 art. 18, 46)."""
    seal_image: str = ""
    """Path of the electronic seal (PNG/SVG) stamped on notices; empty leaves the place for a wet seal."""
    service_days: int = 3
    """Calendar days after issue within which an order must be served (the ``service`` deadline)."""
    decision_defense_working_days: int = 3
    """Working days, from the service of a 行政处理事先告知书, in which the party may state and defend its case
    (the ``decision_defense`` deadline); the decision waits for them unless the party defended sooner."""
    decision_compliance_days: int = 15
    """Days, from the service of a 行政处理决定书, within which it orders the wages and 加付赔偿金 paid."""
    blacklist_defense_working_days: int = Field(default=5, ge=1, le=30)
    """Working days a party has to state and defend after a listing's 告知书 is served (人社部令第45号 art. 7)."""
    blacklist_decision_working_days: int = Field(default=20, ge=1, le=60)
    """Working days after the order's pay-by date within which the listing is decided (45号令 art. 6)."""
    early_removal_working_days: int = Field(default=15, ge=1, le=60)
    """Working days to decide an application for early removal (信用修复, 45号令 art. 14)."""
    police_organ: str = ""
    """The police organ at the bureau's level that receives transfers (国务院令第310号 art. 8); empty: 同级公安机关."""


def format_doc_number(abbr: str, doc_type: str, year: int, seq: int) -> str:
    return f"{abbr}{doc_type}〔{year}〕{seq}号"


class NoticeWorkerLine(BaseModel):
    name: str
    id_masked: str
    amount: Decimal
    """The wages owed (ordered, or still owed at a decision)."""
    compensation: Decimal | None = None
    """加付赔偿金 on ``amount``: intended (行政处理事先告知书) or decided (行政处理决定书); None on other notices."""


class NoticeContext(BaseModel):
    """Everything a template prints; plain data, PII already masked.

    The legal basis is written into the paragraphs, before the decision or demand it grounds;
    ``legal_basis`` lists the same citations as data (what the notice relies on), not a printed line."""

    kind: NoticeKind
    title: str
    subtitle: str = ""
    """Printed under the title, e.g. （责令限期支付工资） on the 限期改正指令书."""
    bureau_name: str
    doc_number: str
    addressee: str
    case_number: str | None = None
    issued_on: date
    paragraphs: list[str]
    legal_basis: list[str]
    workers: list[NoticeWorkerLine] = []
    total_amount: Decimal | None = None
    total_compensation: Decimal | None = None
    """The 加付赔偿金 of all listed workers (the sum of their lines), on the decision's two notices only."""
    due: date | None = None
    rights: list[str] = []
    contact: str = ""
    seal_image: str = ""
    """The bureau's electronic seal (a file path); printed over the signature when the file exists."""
    # 送达回证 only: the document served and how.
    served_title: str = ""
    served_doc_number: str = ""
    served_at: datetime | None = None
    service_method: str = ""
    """送达方式 in Chinese (直接送达, 留置送达, …)."""
    service_recipient: str = ""
    """签收人, when someone other than the addressee signed for it."""
    remarks: str = ""
    party_address: str = ""
    """行政处罚决定书 only: the party's address (行政处罚法 art. 59 (一)), printed under its name; empty when the
    case records none."""
