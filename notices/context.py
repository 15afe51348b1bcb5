"""What each notice says, built from the case.

Every notice follows the ministry's 劳动保障监察文书式样: the facts, then the legal basis placed before
the decision or demand it grounds ("根据…的规定，现责令…"), then, where the addressee can challenge
the act, the rights of review naming the review body and the court.

Personal data is masked here, before any template sees it: the context is stored and rendered,
so a full resident ID number or phone number must never reach it, not even inside free text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from models.actions import SERVICE_METHOD_ZH, CloseReason, OrderAddressee, RejectReason, ServiceMethod
from models.case import (
    DEADLINE_ZH,
    CaseState,
    Channel,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    NoticeRef,
    WorkerState,
)
from models.clock import shanghai_date
from models.enforcement import CourtEnforcement, DecisionTrack, Defense, PenaltyTrack
from models.identity import mask_id, mask_numbers
from models.money import ZERO
from models.notices import DOC_TYPE_ABBR, NOTICE_TITLES, Bureau, NoticeContext, NoticeKind, NoticeWorkerLine
from notices.amounts import amount_in_words, compensation_on, format_yuan, zh_date, zh_datetime
from rules.limitation import limitation
from rules.penalties import BASES, BasisRule

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


# --- one builder per kind ---------------------------------------------------------------------------


def _acceptance(case: CaseState, _: NoticeRef | None) -> _Text:
    return _Text(
        [
            _complaint(case),
            f"经审查，该投诉符合受理条件。根据{ACCEPTANCE_BASIS}和{RULES_18}的规定，本机关决定予以受理，"
            f"并已立案调查（案号：{_case_number(case)}）。调查期间请保持联系畅通，如实提供有关情况和材料。",
        ],
        [ACCEPTANCE_BASIS, RULES_18],
    )


def _rejection(case: CaseState, _: NoticeRef | None) -> _Text:
    """不予受理 by reason code: time-barred (条例 art. 20) or a labour dispute (条例 art. 21 ¶2); a refusal
    recorded before reason codes existed keeps the generic wording with the officer's reason."""
    reason = _reason(case)
    if case.rejection_code == RejectReason.TIME_BARRED:
        limit = case.limitation or limitation(shanghai_date(case.received_at), [w.owed_to for w in case.workers])
        return _Text(
            [
                _complaint(case),
                f"经审查，你反映的拖欠工资行为于{zh_date(limit.violation_ended)}终了，"
                f"至本机关收到投诉之日已超过两年。根据{TIME_BARRED_BASIS}和{RULES_18}的规定，本机关决定不予受理。",
            ],
            [TIME_BARRED_BASIS, RULES_18],
        )
    if case.rejection_code == RejectReason.LABOUR_DISPUTE:
        detail = f"（{reason}）" if reason else ""
        return _Text(
            [
                _complaint(case),
                f"经审查，你反映的事项属于应当通过劳动争议处理程序解决的事项{detail}。"
                f"根据{LABOUR_DISPUTE_BASIS}和{RULES_18}的规定，本机关决定不予受理。"
                "请你依照劳动争议处理或者诉讼的程序，向劳动人事争议仲裁委员会申请仲裁，或者依法向人民法院提起诉讼。",
            ],
            [LABOUR_DISPUTE_BASIS, RULES_18],
        )
    return _Text(
        [
            _complaint(case),
            f"经审查，该投诉不符合受理条件，理由如下：{reason or _NONE}。根据{RULES_18}的规定，本机关决定不予受理。",
        ],
        [RULES_18],
    )


def _redirection(case: CaseState, _: NoticeRef | None) -> _Text:
    """告知书: where to go instead (若干规定 art. 18); the claim itself is not refused, so no rights clause."""
    finding = REDIRECTION_FINDINGS.get(case.rejection_code or "", "经审查，你反映的事项不由本机关处理。")
    return _Text(
        [
            _complaint(case),
            f"{finding}根据{RULES_18}的规定，现告知如下：{_reason(case) or _NONE}。",
            "本告知不影响你依法向有权处理的机关主张权利。",
        ],
        [RULES_18],
    )


def _supplement(case: CaseState, _: NoticeRef | None) -> _Text:
    missing = scrub(case.supplement_missing).strip().rstrip("。；;") if case.supplement_missing else _NONE
    return _Text(
        [
            _complaint(case),
            f"经审查，你提交的投诉材料尚需补正。根据{RULES_18}的规定，请你补正以下材料：{missing}。",
            "本机关受理投诉的五个工作日期限，自收到你补正的全部材料之日起重新计算。",
        ],
        [RULES_18],
    )


def _payment_order(case: CaseState, _: NoticeRef | None) -> _Text:
    """责令限期支付工资: facts and the duty violated, then the power (条例 art. 26, 劳动合同法 art. 85)
    before the demand, then what follows if the date passes. Addressed to the general contractor, it
    says the subcontractor owes and the contractor pays first (保障农民工工资支付条例 art. 30)."""
    workers = _owed_workers(case)
    owed = sum((w.amount_due for w in workers), ZERO)
    outstanding = case.outstanding
    unpaid = "至今未支付" if outstanding == owed else f"截至本指令书作出之日尚有{_money(outstanding)}未支付"
    arrears = f"拖欠{len(workers)}名劳动者{_period(workers)}的工资，金额合计{_money(owed)}，{unpaid}"
    duty = f"违反了{WAGE_DUTY}和{LABOUR_LAW_WAGES}的规定"
    due = f"于{zh_date(case.order_due)}前（含当日）" if case.order_due else "自收到本指令书之日起十日内"
    power = f"根据{'、'.join(ORDER_BASIS)}的规定，现责令你单位{due}"
    basis = [*ORDER_BASIS, WAGE_DUTY, LABOUR_LAW_WAGES]
    if _to_general_contractor(case):
        return _Text(
            [
                f"经调查，你单位系{_project(case)}的施工总承包单位。该项目分包单位{_employer(case)}{arrears}，"
                f"{duty}。根据{ADVANCE_PAYMENT}的规定，上述工资由你单位先行清偿，再依法进行追偿。",
                f"{power}先行清偿下列劳动者的工资，并书面报告清偿情况。",
                "逾期不清偿的，本机关将依法作出行政处理决定；涉嫌犯罪的，将依法移送公安机关。",
            ],
            [*basis, ADVANCE_PAYMENT],
        )
    return _Text(
        [
            f"经调查，你单位{_at_project(case)}{arrears}，{duty}。",
            f"{power}足额支付下列劳动者的工资，并书面报告支付情况。",
            "逾期不支付的，本机关将依法责令你单位按应付金额百分之五十以上百分之一百以下的标准向劳动者加付赔偿金；"
            "符合条件的，将依法列入拖欠农民工工资失信联合惩戒对象名单；涉嫌拒不支付劳动报酬罪的，将依法移送公安机关。",
        ],
        basis,
    )


def _percent(rate: Decimal) -> str:
    """A rate as printed: 0.50 → 50%, 0.75 → 75%, 1.00 → 100%."""
    return f"{(rate * 100).normalize():f}%"


def _served_notice(ref: NoticeRef | None, title: str) -> str:
    """An earlier notice of the case by title and number, and the day it was served (本机关于…向你单位送达
    《…》（…）), or issued while its service is not recorded; empty when the case holds no such notice."""
    if ref is None:
        return ""
    named = f"{title}（{scrub(ref.doc_number)}）"
    if ref.served_at is None:
        return f"本机关于{zh_date(shanghai_date(ref.issued_at))}作出{named}"
    return f"本机关于{zh_date(shanghai_date(ref.served_at))}向你单位送达{named}"


def _decision_facts(case: CaseState, owed: Decimal, owed_workers: int, this: str) -> str:
    """The facts both decision notices rest on (条例 art. 26: 逾期不支付): the arrears found, the order to
    pay by a date, served, and what was still not paid when ``this`` notice was made."""
    workers = _owed_workers(case)
    arrears = f"拖欠{len(workers)}名劳动者{_period(workers)}的工资"
    if _to_general_contractor(case):
        found = f"经调查，你单位系{_project(case)}的施工总承包单位，该项目分包单位{_employer(case)}{arrears}。"
        pay = "先行清偿"
    else:
        found = f"经调查，你单位{_at_project(case)}{arrears}。"
        pay = "足额支付"
    due = f"于{zh_date(case.order_due)}前（含当日）" if case.order_due else "限期"
    order = _served_notice(case.latest_notice(NoticeKind.PAYMENT_ORDER.value), ORDER_TITLE)
    ordered = f"{order}，责令你单位{due}{pay}上述工资" if order else f"本机关已责令你单位{due}{pay}上述工资"
    return (
        f"{found}{ordered}。你单位逾期未{pay}，截至本{this}作出之日，"
        f"仍有{owed_workers}名劳动者的工资共计{_money(owed)}未支付。"
    )


def _intended(case: CaseState) -> DecisionTrack:
    if case.decision is None:
        raise ValueError("行政处理事先告知书须载明拟作出的处理决定（加付赔偿金比例），案件中尚无")
    return case.decision


def _decided(case: CaseState) -> tuple[DecisionTrack, Decimal]:
    track = case.decision
    if track is None or track.rate is None or track.decided_at is None or not track.lines:
        raise ValueError("行政处理决定书须载明已作出的处理决定（加付赔偿金比例及每名劳动者的金额），案件中尚无")
    return track, track.rate


def _decision_notice(case: CaseState, bureau: Bureau) -> _Text:
    """行政处理事先告知书: the facts (an order to pay served and not complied with by its date), the decision
    intended under 条例 art. 26 and 劳动合同法 art. 85 (the wages still owed plus 加付赔偿金 at the proposed
    rate of them, listed per worker below), and the party's right to state and defend within the bureau's
    working days. Nothing is decided yet, so no rights of review."""
    rate = _intended(case).proposed_rate
    owed = [w for w in case.workers if w.outstanding > ZERO]
    return _Text(
        [
            _decision_facts(case, case.outstanding, len(owed), "告知书"),
            f"根据{'、'.join(DECISION_BASIS)}的规定，本机关拟作出如下行政处理决定：责令你单位向下列劳动者支付"
            f"所欠工资，并按应付金额{_percent(rate)}的标准向劳动者加付赔偿金。",
            f"你单位依法享有陈述、申辩的权利。如有异议，可自收到本告知书之日起"
            f"{bureau.decision_defense_working_days}个工作日内向本机关提出陈述、申辩意见，并提交相关证据材料；"
            "逾期未提出的，视为放弃陈述、申辩的权利。本机关将对你单位提出的事实、理由和证据进行复核。",
        ],
        list(DECISION_BASIS),
    )


def _parties(defenses: Sequence[Defense]) -> str:
    """Who stated and defended, by name only, each once: the statements themselves are never printed."""
    names = dict.fromkeys(scrub(d.party).strip() for d in defenses)
    return "、".join(n for n in names if n) or "当事人"


def _decision(case: CaseState, bureau: Bureau) -> _Text:
    """行政处理决定书: the facts, the prior notice and whether the party stated and defended (by name, never
    what it said), then the decision under 条例 art. 26 and 劳动合同法 art. 85: the wages and 加付赔偿金 of
    each listed worker, paid within the bureau's days from service. The rights of review and the court's
    enforcement (行政强制法 art. 53) follow as the notice's rights."""
    track, rate = _decided(case)
    prior = case.notice(track.prior_notice_id) if track.prior_notice_id else None
    told = _served_notice(prior or case.latest_notice(NoticeKind.DECISION_NOTICE.value), PRIOR_NOTICE_TITLE)
    procedure = (
        f"{told or '本机关已向你单位送达' + PRIOR_NOTICE_TITLE}，告知你单位拟作出行政处理决定的事实、理由、依据"
        "及依法享有的陈述、申辩权利。"
    )
    if not track.defenses:
        procedure += "你单位在规定期限内未提出陈述、申辩。"
    else:
        outcome = (
            f"加付赔偿金的标准由拟定的应付金额{_percent(track.proposed_rate)}调整为{_percent(rate)}"
            if rate != track.proposed_rate
            else "维持拟定的加付赔偿金标准"
        )
        procedure += f"本机关收到{_parties(track.defenses)}提出的陈述、申辩意见，经复核，{outcome}。"
    return _Text(
        [
            _decision_facts(case, track.wages, len(track.lines), "决定书"),
            procedure,
            f"根据{'、'.join(DECISION_BASIS)}的规定，本机关决定：责令你单位自收到本决定书之日起"
            f"{bureau.decision_compliance_days}日内，向下列劳动者支付所欠工资，并按应付金额{_percent(rate)}的标准"
            "向劳动者加付赔偿金，并书面报告支付情况。",
        ],
        list(DECISION_BASIS),
    )


# --- the administrative penalty (行政处罚法 2021) ---------------------------------------------------------


def _penalty(case: CaseState, title: str) -> tuple[PenaltyTrack, BasisRule]:
    if case.penalty is None:
        raise ValueError(f"{title}须载明拟作出的行政处罚（处罚依据和罚款数额），案件中尚无")
    return case.penalty, BASES[case.penalty.basis]


def _penalty_facts(case: CaseState, rule: BasisRule) -> str:
    """The conduct the provision punishes, as found by the investigation of the case (art. 44, art. 59 (二))."""
    investigated = f"经本机关立案调查（案号：{scrub(case.case_number)}）" if case.case_number else "经本机关调查"
    return f"{investigated}，你单位存在{rule.conduct}的违法行为。"


def _penalty_notice(case: CaseState, bureau: Bureau) -> _Text:
    """行政处罚事先告知书 (行政处罚法 art. 44): the facts, the provision and the fine intended (in figures and
    大写); the right to state and defend within the bureau's working days, with no heavier penalty for doing
    so (art. 45); for a large fine the right to ask for a hearing within 5 days (art. 63–64), not asking in
    time being giving it up. Nothing is decided yet, so no rights of review."""
    track, rule = _penalty(case, NOTICE_TITLES[NoticeKind.PENALTY_NOTICE])
    paragraphs = [
        _penalty_facts(case, rule),
        f"根据{rule.citation}的规定，本机关拟对你单位作出如下行政处罚：罚款{_money(track.proposed_amount)}。",
        f"根据{PENALTY_DEFENCE_LAW}的规定，你单位依法享有陈述、申辩的权利。如有异议，可自收到本告知书之日起"
        f"{bureau.decision_defense_working_days}个工作日内向本机关提出陈述、申辩意见，并提交相关证据材料；"
        "逾期未提出的，视为放弃陈述、申辩的权利。本机关将对你单位提出的事实、理由和证据进行复核，"
        "不得因你单位陈述、申辩而给予更重的处罚。",
    ]
    basis = [rule.citation, PENALTY_DEFENCE_LAW]
    if track.hearing_right:
        paragraphs.append(
            f"根据{HEARING_RIGHT_LAW}的规定，你单位有要求听证的权利。如要求听证，应当自收到本告知书之日起"
            f"{HEARING_REQUEST_DAYS_ZH}内向本机关提出；逾期未提出的，视为放弃听证权利。"
        )
        basis.append(HEARING_RIGHT_LAW)
    return _Text(paragraphs, basis)


def _prior_penalty_notice(case: CaseState, track: PenaltyTrack) -> str:
    """The 行政处罚事先告知书 of the case by number, served (or issued) on which day; empty when none is held."""
    prior = case.notice(track.prior_notice_id) if track.prior_notice_id else None
    return _served_notice(prior or case.latest_notice(NoticeKind.PENALTY_NOTICE.value), PENALTY_NOTICE_TITLE)


def _hearing_notice(case: CaseState, _: Bureau) -> _Text:
    """听证通知书 (行政处罚法 art. 64): the party asked for a hearing on the fine intended; when and where it is
    held (Asia/Shanghai); public unless secrets or privacy are at stake; chaired by someone who did not
    investigate the case, whom the party may ask to withdraw; in person or by one or two agents; the party
    defends and examines the evidence; absence without good reason is giving the hearing up."""
    title = NOTICE_TITLES[NoticeKind.HEARING_NOTICE]
    track, _rule = _penalty(case, title)
    if track.hearing_requested_at is None:
        raise ValueError(f"{title}须载明当事人申请听证的日期，案件中尚无听证申请")
    place = scrub(track.hearing_place or "").strip()
    if track.hearing_at is None or not place:
        raise ValueError(f"{title}须载明举行听证的时间和地点，案件中尚未确定")
    told = _prior_penalty_notice(case, track)
    intended = f"拟对你单位处以罚款{_money(track.proposed_amount)}。"
    asked = f"你单位于{zh_date(shanghai_date(track.hearing_requested_at))}向本机关提出听证申请。"
    return _Text(
        [
            (f"{told}，{intended}" if told else f"本机关{intended}") + asked,
            f"根据{HEARING_LAW}的规定，本机关定于{zh_datetime(track.hearing_at)}在{place}举行听证。"
            "现将有关事项通知如下：",
            "一、除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，听证公开举行。",
            "二、听证由本机关指定的非本案调查人员主持。你单位认为主持人与本案有直接利害关系的，有权申请回避。",
            "三、你单位可以亲自参加听证，也可以委托一至二人代理。",
            "四、举行听证时，调查人员提出你单位违法的事实、证据和行政处罚建议，你单位可以进行申辩和质证。",
            "五、你单位及其代理人无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证。",
        ],
        [HEARING_LAW],
    )


def _imposed(case: CaseState) -> tuple[PenaltyTrack, BasisRule, Decimal]:
    title = NOTICE_TITLES[NoticeKind.PENALTY_DECISION]
    track, rule = _penalty(case, title)
    if track.decided_at is None or not track.imposed or track.amount is None:
        raise ValueError(f"{title}须载明已作出的罚款决定及罚款数额，案件中尚无")
    if track.legal_review_at is None:
        raise ValueError(f"{title}须在法制审核后作出，案件中尚无法制审核记录")
    if track.hearing_requested_at is not None and track.hearing_held_at is None:
        raise ValueError(f"{title}须在当事人申请的听证举行后作出，案件中尚无听证记录")
    return track, rule, track.amount


def _penalty_procedure(case: CaseState, track: PenaltyTrack, amount: Decimal) -> str:
    """What preceded the decision: the prior notice (by number), whether the party stated and defended (by
    name only, never what it said), whether a hearing was held, how the fine changed, the legal review
    (法制审核, art. 58) and the heads' collective discussion (集体讨论, art. 57) where it was recorded."""
    told = _prior_penalty_notice(case, track) or f"本机关已向你单位送达{PENALTY_NOTICE_TITLE}"
    rights = "陈述、申辩和要求听证的权利" if track.hearing_right else "陈述、申辩的权利"
    text = f"{told}，告知你单位拟作出行政处罚的内容及事实、理由、依据，以及依法享有的{rights}。"
    if track.defenses:
        text += f"本机关收到{_parties(track.defenses)}提出的陈述、申辩意见，并对其提出的事实、理由和证据进行了复核。"
    elif track.hearing_held_at is None:
        text += "你单位在规定期限内未提出陈述、申辩。"
    if track.hearing_held_at is not None:
        asked = "应你单位申请，" if track.hearing_requested_at is not None else ""
        text += f"{asked}本机关于{zh_date(shanghai_date(track.hearing_held_at))}依法举行了听证。"
    elif track.hearing_right:
        text += "你单位在规定期限内未要求听证。"
    if amount < track.proposed_amount:
        checked = "经复核" if track.defended else "经审查"
        text += f"{checked}，罚款数额由拟定的{_money(track.proposed_amount)}调整为{_money(amount)}。"
    elif track.defended and amount == track.proposed_amount:
        text += "经复核，维持拟定的罚款数额。"
    assert track.legal_review_at is not None
    text += f"本案已于{zh_date(shanghai_date(track.legal_review_at))}经本机关法制审核"
    if track.collective_discussion_at is not None:
        text += f"，并于{zh_date(shanghai_date(track.collective_discussion_at))}经本机关负责人集体讨论决定"
    return text + "。"


def _penalty_decision(case: CaseState, _: Bureau) -> _Text:
    """行政处罚决定书 with the six items of 行政处罚法 art. 59: (一) the party's name and address (the party
    block, from the addressee and ``party_address``); (二) the facts and, by kind, the evidence; (三) the
    fine, in figures and 大写, and the provision; (四) how and by when to pay it (art. 67: 15 days, at the
    designated bank or by electronic payment); (五) the rights of review and litigation and the court's
    enforcement (the notice's rights); (六) the bureau and the date (the signature). Before the decision,
    the procedure: prior notice, defence (names only), hearing, legal review, collective discussion."""
    track, rule, amount = _imposed(case)
    return _Text(
        [
            _penalty_facts(case, rule) + EVIDENCE,
            _penalty_procedure(case, track, amount),
            f"根据{rule.citation}的规定，本机关决定对你单位作出如下行政处罚：罚款{_money(amount)}。",
            f"根据{FINE_PAYMENT_LAW}的规定，你单位应当自收到本决定书之日起{FINE_PAYMENT_DAYS_ZH}内，"
            "到指定的银行或者通过电子支付系统缴纳罚款。",
        ],
        [rule.citation, FINE_PAYMENT_LAW],
    )


def enforcement_clause() -> str:
    """What follows when the party neither pays nor challenges the decision (行政强制法 art. 53)."""
    return (
        "你单位在法定期限内不申请行政复议、不提起行政诉讼，又不履行本决定的，"
        f"本机关将依照{ENFORCEMENT_LAW}的规定申请人民法院强制执行。"
    )


def _payment_status(case: CaseState) -> str:
    """What was paid and what is still owed, in words that never claim the arrears were cleared."""
    parts = []
    if case.paid_total > ZERO:
        parts.append(f"已支付工资{_money(case.paid_total)}")
    if case.outstanding > ZERO and case.owed_total > ZERO:
        parts.append(f"尚有工资{_money(case.outstanding)}未支付")
    return f"截至结案之日，{'，'.join(parts)}。" if parts else ""


def _closing(case: CaseState, _: NoticeRef | None) -> _Text:
    """结案 by reason (条例 art. 18). 清偿 is said only of arrears that were owed and paid in full."""
    code = case.close_reason or ""
    accepted = f"于{zh_date(shanghai_date(case.accepted_at))}" if case.accepted_at else "已"
    opened = f"本机关{accepted}立案调查（案号：{_case_number(case)}）。"
    owed, paid = case.owed_total, case.paid_total
    workers = _owed_workers(case)
    close = "本机关决定对该案予以结案。"
    if code == CloseReason.CLEARED and owed > ZERO and case.outstanding == ZERO:
        order = case.latest_notice(NoticeKind.PAYMENT_ORDER.value)
        ordered = f"经本机关责令限期支付（{order.doc_number}）" if order else "经本机关责令改正"
        basis = CLOSING_BASIS[CloseReason.CLEARED]
        finding = (
            f"经查，被投诉单位拖欠{len(workers)}名劳动者工资{_money(owed)}。{ordered}，上述欠薪已全部清偿，"
            f"共计{_money(paid)}。根据{basis}的规定，{close}"
        )
    elif code == CloseReason.NO_VIOLATION or (code == CloseReason.CLEARED and owed == ZERO):
        # "cleared" with nothing owed is no violation (the rules refuse it; the notice never claims a payment)
        basis = CLOSING_BASIS[CloseReason.NO_VIOLATION]
        finding = f"经调查，未发现被投诉单位存在拖欠工资的违法行为。根据{basis}的规定，{close}"
    elif code == CloseReason.MINOR_CORRECTED:
        basis = CLOSING_BASIS[CloseReason.MINOR_CORRECTED]
        corrected = (
            f"被投诉单位拖欠{len(workers)}名劳动者工资{_money(owed)}，情节轻微，且已在调查期间全部支付，违法行为已经改正"
            if owed > ZERO and paid > ZERO
            else "被投诉单位的违法行为情节轻微，且已经改正"
        )
        finding = f"经查，{corrected}。根据{basis}的规定，本机关决定撤销立案。"
    elif code == CloseReason.TRANSFERRED:
        basis = CLOSING_BASIS[CloseReason.TRANSFERRED]
        finding = (
            f"经调查，该案依法应当由有关部门处理。根据{basis}的规定，本机关已将该案移送有关部门处理，"
            f"并决定对该案予以结案。{_payment_status(case)}"
        )
    elif code == CloseReason.WITHDRAWN:
        basis = CLOSING_BASIS[CloseReason.WITHDRAWN]
        still = "你可以依法通过劳动争议仲裁或者诉讼等途径主张权利。" if case.outstanding > ZERO and owed > ZERO else ""
        finding = f"你已撤回投诉。根据{basis}的规定，{close}{_payment_status(case)}{still}"
    else:
        # a reason recorded before reason codes existed, or "cleared" with money still owed (refused by
        # the rules): the reason as recorded and what was paid, never a claim that the arrears were cleared
        basis = CLOSING_GENERIC_BASIS
        reason = "经责令改正" if code == CloseReason.CLEARED else scrub(code).strip().rstrip("。") or _NONE
        finding = f"结案理由：{reason}。根据{basis}的规定，{close}{_payment_status(case)}"
    return _Text([_complaint(case), opened + finding], [basis])


def _supervised_unit(bureau: Bureau) -> str:
    """The addressee of a 督办通知书: the bureau's labour inspection unit handling the case. The case names
    its assignee by user id only, and ids are never printed."""
    name = bureau.name.strip()
    unit = name if any(w in name for w in _INSPECTION_UNIT_WORDS) else f"{name}劳动保障监察机构"
    return f"{unit}（案件承办人）"


def _supervised_deadline(case: CaseState, kind: str | None) -> Deadline:
    """The deadline a 督办通知书 is about: of ``kind`` (a ``DeadlineKind`` value), the latest overdue one,
    else the latest still pending (its status not updated yet). One already met or cancelled is refused:
    the notice says the matter is still not done."""
    if not kind:
        raise ValueError("督办通知书须指明所督办的期限种类")
    try:
        deadline_kind = DeadlineKind(kind)
    except ValueError:
        raise ValueError(f"督办通知书所督办的期限种类不明：{scrub(kind)}") from None
    name = DEADLINE_ZH[deadline_kind]
    of_kind = [d for d in case.deadlines if d.kind == deadline_kind]
    if not of_kind:
        raise ValueError(f"案件中没有“{name}”（{deadline_kind.value}），无从督办")
    overdue = [d for d in of_kind if d.status == DeadlineStatus.OVERDUE]
    candidates = overdue or [d for d in of_kind if d.status == DeadlineStatus.PENDING]
    if not candidates:
        raise ValueError(f"案件的“{name}”已办结或已取消，不应督办")
    return max(reversed(candidates), key=lambda d: d.due)  # the latest due; on a tie, the later entry


def _deadline_name(kind: DeadlineKind) -> str:
    """The deadline by its Chinese name in quotes, with 期限 added where the name does not say it."""
    name = DEADLINE_ZH[kind]
    return f"“{name}”" if name.endswith(("期限", "期")) else f"“{name}”期限"


def _cited(basis: str) -> tuple[str, str]:
    """A deadline's basis split into the citation and what it requires: 《…》第十七条：自立案之日起… ."""
    citation, colon, content = basis.partition("：")
    return (citation.strip(), content.strip()) if colon and citation.strip() and content.strip() else (basis, "")


def _supervision(
    case: CaseState,
    deadline: str | None,
    *,
    issued_on: date,
    overdue_working_days: int = SUPERVISION_OVERDUE_WORKING_DAYS,
) -> _Text:
    """督办通知书, internal, to the unit handling the case: which deadline of which case expired on which day
    and is still not met, on the basis the deadline itself was set by (no other article is cited), then the
    demand to act at once and report. Issued only once the deadline is ``overdue_working_days`` overdue, so
    that count is stated, not counted here (there is no calendar here). No amounts, no workers, no rights."""
    d = _supervised_deadline(case, deadline)
    name = _deadline_name(d.kind)
    if issued_on <= d.due or (d.escalate_after is not None and issued_on <= d.escalate_after):
        raise ValueError(
            f"{name}于{zh_date(d.due)}届满，至{zh_date(issued_on)}尚未逾期满{overdue_working_days}个工作日，不应督办"
        )
    if case.case_number:
        which = f"案号：{scrub(case.case_number)}"
    else:
        found = "发现日期" if case.channel == Channel.INSPECTION else "收到日期"
        which = f"{found}：{zh_date(shanghai_date(case.received_at))}"
    basis = scrub(d.basis).strip().rstrip("。；;")
    citation, content = _cited(basis)
    grounded = (f"依据{citation}（{content}）确定" if content else f"依据{citation}确定") if basis else ""
    extended = f"，经批准延长{d.extended_by}个工作日" if d.extended_by else ""
    return _Text(
        [
            f"你单位承办的涉及{_employer(case)}的欠薪案件（{which}），其{name}{grounded}{extended}，"
            f"已于{zh_date(d.due)}届满。截至本通知书作出之日（{zh_date(issued_on)}），该事项仍未办结，"
            f"逾期已满{overdue_working_days}个工作日。",
            f"现对该事项予以督办。请立即办理，并于收到本通知书之日起{SUPERVISION_REPORT_WORKING_DAYS}个工作日内"
            "将办理进展及逾期原因书面报告督办机关。",
        ],
        [citation] if basis else [],
    )


def _service_receipt(case: CaseState, subject: NoticeRef | None) -> _Text:
    """The 送达回证 is a form: its content is the fields of ``build_context``, not paragraphs."""
    if subject is None:
        raise ValueError("送达回证须指明所送达的文书")
    return _Text([], [])


_PARAGRAPHS: dict[NoticeKind, Callable[[CaseState, NoticeRef | None], _Text]] = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.REJECTION: _rejection,
    NoticeKind.REDIRECTION: _redirection,
    NoticeKind.SUPPLEMENT: _supplement,
    NoticeKind.PAYMENT_ORDER: _payment_order,
    NoticeKind.CLOSING: _closing,
    NoticeKind.SERVICE_RECEIPT: _service_receipt,
}
"""The builders of the notices about the case or one of its notices; the 督办通知书 is about a deadline
and is built by ``_supervision``, the decision's two notices by ``_DECISION_PARAGRAPHS``."""


def _enforced(case: CaseState) -> tuple[str, NoticeRef, CourtEnforcement, str]:
    """The decision or fine whose court enforcement was opened last: its title, notice, state and what the
    party was ordered to do."""
    found: list[tuple[datetime, str, NoticeRef, CourtEnforcement, str]] = []
    d = case.decision
    if d is not None and d.notice_id and d.enforcement.opened_at and not d.enforcement.filed_on:
        ref = case.notice(d.notice_id)
        if ref is not None:
            owed = f"向劳动者支付所欠工资并加付赔偿金，共计{_money(d.wages + d.compensation)}"
            found.append((d.enforcement.opened_at, NOTICE_TITLES[NoticeKind.DECISION], ref, d.enforcement, owed))
    p = case.penalty
    if p is not None and p.notice_id and p.amount and p.enforcement.opened_at and not p.enforcement.filed_on:
        ref = case.notice(p.notice_id)
        if ref is not None:
            owed = f"缴纳罚款{_money(p.amount)}"
            title = NOTICE_TITLES[NoticeKind.PENALTY_DECISION]
            found.append((p.enforcement.opened_at, title, ref, p.enforcement, owed))
    if not found:
        raise ValueError("强制执行申请书须针对一项已届满复议、诉讼期限且未履行的决定，案件中尚无")
    _, title, ref, enforcement, owed = max(found, key=lambda item: item[0])
    return title, ref, enforcement, owed


def _court_application(case: CaseState, bureau: Bureau) -> _Text:
    """强制执行申请书, from the bureau to the court (行政强制法 art. 53): the decision (title, number, date of
    service), what it ordered, that the party neither applied for review within 60 days nor sued within six
    months and has not complied, and the request that the court enforce it. Art. 54's prior 催告 is the
    bureau's own step and is not generated here."""
    title, ref, enforcement, owed = _enforced(case)
    served = enforcement.served_on or shanghai_date(ref.issued_at)
    return _Text(
        [
            f"申请人：{scrub(bureau.name)}。被申请人：{_employer(case)}"
            + (f"，住所：{_party_address(case)}。" if _party_address(case) else "。"),
            f"申请事项：请求依法强制执行本机关作出的《{title}》（{scrub(ref.doc_number)}）。",
            f"事实和理由：本机关于{zh_date(served)}向被申请人送达《{title}》（{scrub(ref.doc_number)}），"
            f"责令被申请人{owed}。被申请人在法定期限内未申请行政复议（{REVIEW_LAW}：六十日），"
            f"未提起行政诉讼（{LITIGATION_LAW}：六个月），又不履行该决定。",
            f"根据{ENFORCEMENT_LAW}的规定，特向贵院申请强制执行。",
        ],
        [ENFORCEMENT_LAW],
    )


_DECISION_PARAGRAPHS: dict[NoticeKind, Callable[[CaseState, Bureau], _Text]] = {
    NoticeKind.DECISION_NOTICE: _decision_notice,
    NoticeKind.DECISION: _decision,
    NoticeKind.PENALTY_NOTICE: _penalty_notice,
    NoticeKind.HEARING_NOTICE: _hearing_notice,
    NoticeKind.PENALTY_DECISION: _penalty_decision,
    NoticeKind.COURT_APPLICATION: _court_application,
}
"""The builders of the administrative decision's and the administrative penalty's notices, whose periods are
the bureau's configuration."""
ENFORCED = frozenset({NoticeKind.DECISION, NoticeKind.PENALTY_DECISION})
"""The decisions the court enforces when the party neither complies nor challenges them (行政强制法 art. 53)."""


def _party_address(case: CaseState) -> str:
    """The employer's address as the case records it (行政处罚法 art. 59 (一)); empty when none is recorded."""
    return scrub(case.employer.address or "").strip()


def _contact(bureau: Bureau) -> str:
    parts = [
        f"地址：{bureau.address}" if bureau.address else "",
        f"电话：{bureau.phone}" if bureau.phone else "",
    ]
    return "　".join(p for p in parts if p)


class _Listed(NamedTuple):
    workers: list[NoticeWorkerLine]
    total: Decimal | None
    compensation: Decimal | None


def _listed(kind: NoticeKind, case: CaseState) -> _Listed:
    """The workers a notice to the party lists, by name and masked ID: what each is still owed (the order),
    with the 加付赔偿金 intended on it (the prior notice) or decided (the decision, from its own lines)."""
    if kind == NoticeKind.PAYMENT_ORDER:
        lines = [
            NoticeWorkerLine(name=scrub(w.name), id_masked=mask_id(w.id_number), amount=w.outstanding)
            for w in case.workers
            if w.outstanding > ZERO
        ]
        return _Listed(lines, case.outstanding, None)
    if kind == NoticeKind.DECISION_NOTICE:
        rate = _intended(case).proposed_rate
        lines = [
            NoticeWorkerLine(
                name=scrub(w.name),
                id_masked=mask_id(w.id_number),
                amount=w.outstanding,
                compensation=compensation_on(w.outstanding, rate),
            )
            for w in case.workers
            if w.outstanding > ZERO
        ]
        compensation = sum((line.compensation for line in lines if line.compensation is not None), ZERO)
        return _Listed(lines, case.outstanding, compensation)
    if kind == NoticeKind.DECISION:
        track, _ = _decided(case)
        names = {w.id_number: scrub(w.name) for w in case.workers}
        lines = [
            NoticeWorkerLine(
                name=names.get(line.id_number, _NONE),
                id_masked=mask_id(line.id_number),
                amount=line.wages,
                compensation=line.compensation,
            )
            for line in track.lines
        ]
        return _Listed(lines, track.wages, track.compensation)
    return _Listed([], None, None)


class _Receipt(NamedTuple):
    addressee: str
    served_title: str
    served_doc_number: str
    served_at: datetime | None
    service_method: str
    service_recipient: str
    remarks: str


def _receipt(case: CaseState, subject: NoticeRef) -> _Receipt:
    """What the 送达回证 records of the served document: its title and number, its addressee, when and
    how it was served and who signed for it."""
    served_kind = _kind_of(subject)
    if served_kind is None:
        title, addressee = scrub(subject.kind), scrub(case.complainant.name)
    else:
        subtitle = PAYMENT_ORDER_SUBTITLE if served_kind == NoticeKind.PAYMENT_ORDER else ""
        title, addressee = NOTICE_TITLES[served_kind] + subtitle, _addressee(served_kind, case)
    method = subject.service_method or ""
    known = method in SERVICE_METHOD_ZH
    return _Receipt(
        addressee=addressee,
        served_title=title,
        served_doc_number=scrub(subject.doc_number),
        served_at=subject.served_at,
        service_method=SERVICE_METHOD_ZH[ServiceMethod(method)] if known else scrub(method),
        service_recipient=scrub(subject.service_recipient or ""),
        remarks=SERVICE_REMARKS.get(method, "") if known else "",
    )


def build_context(
    kind: NoticeKind,
    case: CaseState,
    *,
    bureau: Bureau,
    doc_number: str,
    issued_on: date,
    subject: NoticeRef | None = None,
    deadline: str | None = None,
    overdue_working_days: int = SUPERVISION_OVERDUE_WORKING_DAYS,
) -> NoticeContext:
    """The notice as plain data: the complainant is told of acceptance, refusal, redirection, what to
    complete and closing; the employer (or the general contractor) is ordered to pay, with each worker's
    outstanding amount next to a masked ID number, and told of the decision intended, then made (wages and
    加付赔偿金 per worker; ValueError when the case holds no such decision); the employer is told of the fine
    intended, of the hearing it asked for and of the fine imposed (ValueError when the case holds no such
    penalty, hearing or decision); a 送达回证 proves the service
    of ``subject``; a 督办通知书 tells the handling unit that the case's ``deadline`` (a ``DeadlineKind`` value, as
    ``IssueNoticeInput.subject_notice_id`` carries it) has been ``overdue_working_days`` working days
    overdue (ValueError when that deadline is not named, unknown or absent from the case)."""
    if kind == NoticeKind.SUPERVISION:
        text = _supervision(case, deadline, issued_on=issued_on, overdue_working_days=overdue_working_days)
        addressee = _supervised_unit(bureau)
    elif kind in _DECISION_PARAGRAPHS:
        text = _DECISION_PARAGRAPHS[kind](case, bureau)
        addressee = court(bureau) if kind == NoticeKind.COURT_APPLICATION else _addressee(kind, case)
    else:
        text = _PARAGRAPHS[kind](case, subject)
        addressee = _addressee(kind, case)
    ordered = kind == NoticeKind.PAYMENT_ORDER
    listed = _listed(kind, case)
    rights = [rights_clause(kind, bureau)] if kind in RIGHTS_SHORT_NAMES else []
    if kind in ENFORCED:
        rights.append(enforcement_clause())
    receipt = _receipt(case, subject) if kind == NoticeKind.SERVICE_RECEIPT and subject is not None else None
    return NoticeContext(
        kind=kind,
        title=NOTICE_TITLES[kind],
        subtitle=PAYMENT_ORDER_SUBTITLE if ordered else "",
        bureau_name=bureau.name,
        doc_number=doc_number,
        addressee=receipt.addressee if receipt else addressee,
        case_number=scrub(case.case_number) if case.case_number else None,
        issued_on=issued_on,
        paragraphs=text.paragraphs,
        legal_basis=text.basis,
        workers=listed.workers,
        total_amount=listed.total,
        total_compensation=listed.compensation,
        due=case.order_due if ordered else None,
        rights=rights,
        contact=_contact(bureau),
        seal_image=bureau.seal_image,
        served_title=receipt.served_title if receipt else "",
        served_doc_number=receipt.served_doc_number if receipt else "",
        served_at=receipt.served_at if receipt else None,
        service_method=receipt.service_method if receipt else "",
        service_recipient=receipt.service_recipient if receipt else "",
        remarks=receipt.remarks if receipt else "",
        party_address=_party_address(case) if kind == NoticeKind.PENALTY_DECISION else "",
    )
