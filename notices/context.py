"""What each notice says, built from the case (the enforcement notices' text is in
``notices/enforcement_text.py``, the wording every notice shares in ``notices/wording.py``).

Every notice follows the ministry's 劳动保障监察文书式样: the facts, then the legal basis placed before
the decision or demand it grounds ("根据…的规定，现责令…"), then, where the addressee can challenge
the act, the rights of review naming the review body and the court.

Personal data is masked here, before any template sees it: the context is stored and rendered,
so a full resident ID number or phone number must never reach it, not even inside free text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from models.actions import SERVICE_METHOD_ZH, CloseReason, RejectReason, ServiceMethod
from models.case import (
    DEADLINE_ZH,
    CaseState,
    Channel,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    NoticeRef,
)
from models.clock import shanghai_date
from models.identity import mask_id
from models.money import ZERO
from models.notices import NOTICE_TITLES, Bureau, NoticeContext, NoticeKind, NoticeWorkerLine
from models.tracks import BlacklistState, ReferralState
from notices.amounts import compensation_on, zh_date
from notices.enforcement_text import (
    _DECISION_PARAGRAPHS,
    ENFORCED,
    _decided,
    _intended,
    enforcement_clause,
)
from notices.long_arm_text import LONG_ARM_KINDS, served_party, track_text
from notices.wording import (
    _INSPECTION_UNIT_WORDS,
    _NONE,
    ACCEPTANCE_BASIS,
    ADVANCE_PAYMENT,
    CLOSING_BASIS,
    CLOSING_GENERIC_BASIS,
    LABOUR_DISPUTE_BASIS,
    LABOUR_LAW_WAGES,
    ORDER_BASIS,
    PAYMENT_ORDER_SUBTITLE,
    REDIRECTION_FINDINGS,
    RIGHTS_SHORT_NAMES,
    RULES_18,
    SERVICE_REMARKS,
    SUPERVISION_OVERDUE_WORKING_DAYS,
    SUPERVISION_REPORT_WORKING_DAYS,
    TIME_BARRED_BASIS,
    WAGE_DUTY,
    _addressee,
    _at_project,
    _case_number,
    _complaint,
    _employer,
    _kind_of,
    _money,
    _owed_workers,
    _party_address,
    _period,
    _project,
    _reason,
    _Text,
    _to_general_contractor,
    court,
    rights_clause,
    scrub,
)
from rules.limitation import limitation

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
    track: BlacklistState | ReferralState | None = None,
    party: int | None = None,
) -> NoticeContext:
    """The notice as plain data: the complainant is told of acceptance, refusal, redirection, what to
    complete and closing; the employer (or the general contractor) is ordered to pay, with each worker's
    outstanding amount next to a masked ID number, and told of the decision intended, then made (wages and
    加付赔偿金 per worker; ValueError when the case holds no such decision); the employer is told of the fine
    intended, of the hearing it asked for and of the fine imposed (ValueError when the case holds no such
    penalty, hearing or decision); a 送达回证 proves the service
    of ``subject``; a 督办通知书 tells the handling unit that the case's ``deadline`` (a ``DeadlineKind`` value, as
    ``IssueNoticeInput.subject_notice_id`` carries it) has been ``overdue_working_days`` working days
    overdue (ValueError when that deadline is not named, unknown or absent from the case). With ``track``, a
    notice of that sub-process (see ``_track_notice``)."""
    if track is not None:
        return _track_notice(
            kind,
            case,
            track,
            bureau=bureau,
            doc_number=doc_number,
            issued_on=issued_on,
            subject=subject,
            deadline=deadline,
            overdue_working_days=overdue_working_days,
            party=party,
        )
    if kind in LONG_ARM_KINDS:
        raise ValueError(f"{NOTICE_TITLES[kind]}是子程序的文书，须连同其子程序的状态制作")
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


def _track_notice(
    kind: NoticeKind,
    case: CaseState,
    track: BlacklistState | ReferralState,
    *,
    bureau: Bureau,
    doc_number: str,
    issued_on: date,
    subject: NoticeRef | None,
    deadline: str | None,
    overdue_working_days: int,
    party: int | None,
) -> NoticeContext:
    """A sub-process's notice: its own documents are written by notices/long_arm_text.py; its 送达回证 names
    the party served; its 督办通知书 chases one of its deadlines as if the case held it."""
    if kind in (NoticeKind.SUPERVISION, NoticeKind.SERVICE_RECEIPT):
        merged = case.model_copy(update={"deadlines": [*case.deadlines, *track.deadlines]})
        ctx = build_context(
            kind,
            merged,
            bureau=bureau,
            doc_number=doc_number,
            issued_on=issued_on,
            subject=subject,
            deadline=deadline,
            overdue_working_days=overdue_working_days,
        )
        if kind == NoticeKind.SERVICE_RECEIPT and subject is not None:
            return ctx.model_copy(update={"addressee": served_party(track, subject)})
        return ctx
    if kind not in LONG_ARM_KINDS:
        raise ValueError(f"{NOTICE_TITLES[kind]}是案件本身的文书，不由子程序制作")
    text = track_text(kind, case, track, bureau=bureau, party=party)
    return NoticeContext(
        kind=kind,
        title=NOTICE_TITLES[kind],
        bureau_name=bureau.name,
        doc_number=doc_number,
        addressee=text.addressee,
        case_number=scrub(case.case_number) if case.case_number else None,
        issued_on=issued_on,
        paragraphs=text.paragraphs,
        legal_basis=text.basis,
        rights=text.rights,
        contact=_contact(bureau),
        seal_image=bureau.seal_image,
    )
