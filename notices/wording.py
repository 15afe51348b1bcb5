"""The shared wording of notices: citations exactly as printed, the review body and the court named in
rights clauses, and the pieces (money, parties, projects, earlier notices) every builder uses."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from models.actions import CloseReason, OrderAddressee, RejectReason, ServiceMethod
from models.case import (
    CaseState,
    NoticeRef,
    WorkerState,
)
from models.clock import shanghai_date
from models.identity import mask_numbers
from models.money import ZERO
from models.notices import DOC_TYPE_ABBR, NOTICE_TITLES, Bureau, NoticeKind
from notices.amounts import amount_in_words, format_yuan, zh_date

# --- citations, exactly as printed ---------------------------------------------------------------
RULES_18 = "《关于实施〈劳动保障监察条例〉若干规定》第十八条"
ACCEPTANCE_BASIS = "《劳动保障监察条例》第九条、第十四条"
TIME_BARRED_BASIS = "《劳动保障监察条例》第二十条"
LABOUR_DISPUTE_BASIS = "《劳动保障监察条例》第二十一条第二款"
ORDER_BASIS = ("《劳动保障监察条例》第二十六条", "《中华人民共和国劳动合同法》第八十五条")
"""The power to order wages paid by a date; 保障农民工工资支付条例 art. 54–55 punish other duties."""
WAGE_DUTY = "《保障农民工工资支付条例》第三条、第十二条、第十六条"
"""The duty violated: the right to wages in full and on time (3), payment in full on the agreed
cycle and date (12), the duty to clear arrears (16)."""
LABOUR_LAW_WAGES = "《中华人民共和国劳动法》第五十条"
ADVANCE_PAYMENT = "《保障农民工工资支付条例》第三十条"
"""分包单位拖欠农民工工资的，由施工总承包单位先行清偿，再依法进行追偿。"""
REVIEW_LAW = "《中华人民共和国行政复议法》第二十条"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》第四十六条"
ENFORCEMENT_LAW = "《中华人民共和国行政强制法》第五十三条"
"""当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行行政决定的，没有行政强制执行权的行政机关
可以自期限届满之日起三个月内，依照本章规定申请人民法院强制执行。"""
DECISION_BASIS = ORDER_BASIS
"""The power to order 加付赔偿金 on wages not paid by the ordered date (条例 art. 26, 劳动合同法 art. 85):
the only articles the prior notice and the decision rely on."""
PENALTY_DEFENCE_LAW = "《中华人民共和国行政处罚法》第四十四条、第四十五条"
"""行政处罚法 2021 art. 44: before deciding, tell the party the penalty intended with its facts, grounds and basis,
and its rights to state, defend and ask for a hearing; art. 45: the party states and defends, the bureau reviews
what it puts forward and 不得因当事人陈述、申辩而给予更重的处罚."""
HEARING_RIGHT_LAW = "《中华人民共和国行政处罚法》第六十三条、第六十四条"
"""Art. 63: a large fine (较大数额罚款) gives the right to a hearing; art. 64 (一): asked for within 5 days."""
HEARING_LAW = "《中华人民共和国行政处罚法》第六十四条"
"""Art. 64: how a hearing is held: announced 7 days ahead with its time and place (二), public (三), chaired by
someone who did not investigate the case, who may be challenged (四), the party in person or by one or two
agents (五), absence without good reason is giving the hearing up (六), the party defends and examines (七)."""
FINE_PAYMENT_LAW = "《中华人民共和国行政处罚法》第六十七条"
"""当事人应当自收到行政处罚决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。"""
HEARING_REQUEST_DAYS_ZH = "五日"
"""Art. 64 (一): 当事人要求听证的，应当在行政机关告知后五日内提出 (rules.transitions.HEARING_REQUEST_DAYS)."""
FINE_PAYMENT_DAYS_ZH = "十五日"
"""Art. 67: the fine is paid within 15 days of receiving the decision."""
EVIDENCE = "以上事实，有调查询问笔录等证据为证。"
"""Art. 59 (二): the evidence, by kind only; what a witness or the party said is never printed."""
CLOSING_BASIS: dict[str, str] = {
    CloseReason.CLEARED: "《劳动保障监察条例》第十八条第一款第（二）项",
    CloseReason.NO_VIOLATION: "《劳动保障监察条例》第十八条",
    CloseReason.MINOR_CORRECTED: "《劳动保障监察条例》第十八条第一款第（三）项",
    CloseReason.TRANSFERRED: "《劳动保障监察条例》第十八条第二款",
    CloseReason.WITHDRAWN: "《劳动保障监察条例》第十八条",
}
CLOSING_GENERIC_BASIS = "《劳动保障监察条例》第十八条"

REDIRECTION_FINDINGS: dict[str, str] = {
    RejectReason.NOT_IN_REMIT: "经审查，你反映的事项不属于劳动保障监察职权范围。",
    RejectReason.OTHER_TERRITORY: "经审查，你反映的事项属于劳动保障监察职权范围，但不属于本机关管辖。",
}
PAYMENT_ORDER_SUBTITLE = "（责令限期支付工资）"
RIGHTS_SHORT_NAMES: dict[NoticeKind, str] = {
    NoticeKind.PAYMENT_ORDER: "指令书",
    NoticeKind.REJECTION: "通知书",
    NoticeKind.CLOSING: "通知书",
    NoticeKind.DECISION: "决定书",
    NoticeKind.PENALTY_DECISION: "决定书",
}
"""The documents the party or the complainant can challenge, by the name the rights clause uses. The
行政处理事先告知书 and the 行政处罚事先告知书 decide nothing yet: the party states and defends its case instead;
the 听证通知书 only sets the hearing."""
TO_THE_PARTY = frozenset({NoticeKind.PAYMENT_ORDER, NoticeKind.DECISION_NOTICE, NoticeKind.DECISION})
"""The notices addressed to the employer (or the general contractor the order went to), with the workers
listed; every other notice of the case goes to the complainant."""
TO_THE_EMPLOYER = frozenset({NoticeKind.PENALTY_NOTICE, NoticeKind.HEARING_NOTICE, NoticeKind.PENALTY_DECISION})
"""The penalty's notices: a fine is always the employer's, never the general contractor's."""
ORDER_TITLE = f"《{NOTICE_TITLES[NoticeKind.PAYMENT_ORDER]}》"
PRIOR_NOTICE_TITLE = f"《{NOTICE_TITLES[NoticeKind.DECISION_NOTICE]}》"
PENALTY_NOTICE_TITLE = f"《{NOTICE_TITLES[NoticeKind.PENALTY_NOTICE]}》"
SERVICE_REMARKS: dict[str, str] = {
    ServiceMethod.DIRECT: "",
    ServiceMethod.LEFT: "受送达人拒绝签收，送达人已将文书留置送达，并注明拒收事由和日期。见证人：",
    ServiceMethod.POST: "邮寄送达，以回执上注明的收件日期为送达日期。",
    ServiceMethod.PUBLIC_NOTICE: "受送达人下落不明或者以其他方式无法送达，已公告送达。",
    ServiceMethod.ELECTRONIC: "经受送达人书面同意，以电子方式送达。",
}
SUPERVISION_OVERDUE_WORKING_DAYS = 5
"""A 督办通知书 is issued once a deadline has been overdue this many working days: the default of
``Settings.level2_working_days``, which the caller passes when it is configured otherwise."""
SUPERVISION_REPORT_WORKING_DAYS = 3
"""Working days the handling unit is given to report in writing what it has done and why the deadline was
missed. A choice of this system (an internal working rule), not a period set by any law or regulation."""
_INSPECTION_UNIT_WORDS = ("劳动保障监察", "劳动监察")
_NONE = "—"
_PROJECT_SUFFIXES = ("项目", "工程")
# The words that start the agency part of a bureau's name, after its region (太原市小店区|人力资源和社会保障局).
_AGENCY_WORDS = ("人力资源", "人社", "劳动保障", "劳动和社会保障", "劳动")
_REGION_ENDS = ("省", "自治区", "市", "州", "盟", "地区", "区", "县", "旗")

scrub = mask_numbers
"""Mask ID and mobile numbers inside free text written by people, which no validator checked."""


# --- the review body and the court ----------------------------------------------------------------


def bureau_region(bureau: Bureau) -> str:
    """The region in the bureau's name (太原市小店区人力资源和社会保障局 → 太原市小店区), or "" when the
    name does not start with one."""
    name = bureau.name.strip()
    starts = [i for i in (name.find(w) for w in _AGENCY_WORDS) if i > 0]
    if not starts:
        return ""
    region = name[: min(starts)]
    return region if region.endswith(_REGION_ENDS) else ""


def review_body(bureau: Bureau) -> str:
    """行政复议机关: as configured, else the people's government of the bureau's own level
    (行政复议法 2023 art. 24), e.g. 太原市小店区人民政府."""
    if bureau.review_body.strip():
        return bureau.review_body.strip()
    region = bureau_region(bureau)
    return f"{region}人民政府" if region else "本机关同级人民政府"


def court(bureau: Bureau) -> str:
    """人民法院 for 行政诉讼: as configured, else the court of the bureau's place (行政诉讼法 art. 18),
    e.g. 太原市小店区人民法院. Where cases go to a designated court (集中管辖), configure it."""
    if bureau.court.strip():
        return bureau.court.strip()
    region = bureau_region(bureau)
    return f"{region}人民法院" if region else "有管辖权的人民法院"


def rights_clause(kind: NoticeKind, bureau: Bureau) -> str:
    """救济: 60 days for 行政复议, six months for 行政诉讼, with the body and the court named, so that the
    one-year fallback for an unnamed body never applies. The two articles are cited in the clause."""
    short = RIGHTS_SHORT_NAMES[kind]
    return (
        f"依照{REVIEW_LAW}、{LITIGATION_LAW}的规定，"
        f"如不服本{short}，可在收到之日起六十日内向{review_body(bureau)}申请行政复议，"
        f"或者在六个月内向{court(bureau)}提起行政诉讼。"
    )


def service_receipt_number(served_doc_number: str) -> str:
    """A 送达回证 carries the number of the document it proves served, with a suffix: 小人社监令〔2026〕3号-送."""
    return f"{served_doc_number}-{DOC_TYPE_ABBR[NoticeKind.SERVICE_RECEIPT]}"


# --- pieces of wording ------------------------------------------------------------------------------


def _money(amount: Decimal) -> str:
    """An amount in figures and in 大写, as every amount in a notice is printed."""
    return f"人民币{format_yuan(amount)}元（大写：{amount_in_words(amount)}）"


def _party(name: str, uscc: str) -> str:
    return f"{scrub(name)}（统一社会信用代码：{uscc}）"


def _employer(case: CaseState) -> str:
    return _party(case.employer.name, case.employer.uscc)


def _project(case: CaseState) -> str:
    """The project by name, with 项目 added only when the name does not already say it."""
    if case.project is None:
        return ""
    name = scrub(case.project.name)
    return f"“{name}”" if name.endswith(_PROJECT_SUFFIXES) else f"“{name}”项目"


def _at_project(case: CaseState) -> str:
    return f"在{_project(case)}中" if case.project else ""


def _period(workers: list[WorkerState]) -> str:
    start = min(w.owed_from for w in workers)
    end = max(w.owed_to for w in workers)
    return f"{zh_date(start)}至{zh_date(end)}期间"


def _complaint(case: CaseState) -> str:
    """The complaint as reported: the claimed amounts, whatever the investigation later confirmed."""
    received = zh_date(shanghai_date(case.received_at))
    claimed = sum((w.claimed_amount for w in case.workers), ZERO)
    return (
        f"你于{received}向本机关反映，{_employer(case)}{_at_project(case)}"
        f"拖欠{len(case.workers)}名劳动者{_period(case.workers)}的工资，金额合计{_money(claimed)}。"
    )


def _case_number(case: CaseState) -> str:
    return scrub(case.case_number) if case.case_number else _NONE


def _reason(case: CaseState) -> str:
    return scrub(case.rejection_reason).strip().rstrip("。；;") if case.rejection_reason else ""


def _owed_workers(case: CaseState) -> list[WorkerState]:
    """The workers the investigation found owed something (all of them before any finding)."""
    return [w for w in case.workers if w.amount_due > ZERO] or case.workers


def _to_general_contractor(case: CaseState) -> bool:
    return (
        case.order_addressee == OrderAddressee.GENERAL_CONTRACTOR
        and case.project is not None
        and case.project.general_contractor is not None
    )


def _order_addressee(case: CaseState) -> str:
    if _to_general_contractor(case):
        assert case.project is not None and case.project.general_contractor is not None
        contractor = case.project.general_contractor
        return _party(contractor.name, contractor.uscc)
    return _employer(case)


def _addressee(kind: NoticeKind, case: CaseState) -> str:
    """The employer (or the general contractor) is ordered to pay and told of the decision; the employer is
    told of the penalty; the complainant is told everything else."""
    if kind in TO_THE_EMPLOYER:
        return _employer(case)
    return _order_addressee(case) if kind in TO_THE_PARTY else scrub(case.complainant.name)


def _kind_of(ref: NoticeRef) -> NoticeKind | None:
    try:
        return NoticeKind(ref.kind)
    except ValueError:
        return None


class _Text(NamedTuple):
    paragraphs: list[str]
    basis: list[str]


def _party_address(case: CaseState) -> str:
    """The employer's address as the case records it (行政处罚法 art. 59 (一)); empty when none is recorded."""
    return scrub(case.employer.address or "").strip()
