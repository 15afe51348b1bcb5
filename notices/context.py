"""What each notice says, built from the case. Personal data is masked here, before any template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from models.case import CaseState
from models.clock import shanghai_date
from models.identity import mask_id
from models.notices import NOTICE_TITLES, Bureau, NoticeContext, NoticeKind, NoticeWorkerLine
from notices.amounts import format_yuan, zh_date

RIGHTS = "如不服本决定，可在收到本文书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
CLOSE_REASONS = {
    "cleared": "欠薪已全部清偿",
    "withdrawn": "投诉人撤回投诉",
    "no_violation": "经调查未发现违法行为",
    "transferred": "已移送有关部门处理",
}


def _facts(case: CaseState, subject: str | None = None) -> str:
    project = f"在“{case.project.name}”项目中" if case.project else ""
    start = min(w.owed_from for w in case.workers)
    end = max(w.owed_to for w in case.workers)
    who = subject or f"{case.employer.name}（统一社会信用代码：{case.employer.uscc}）"
    return (
        f"{who}{project}拖欠{len(case.workers)}名劳动者{zh_date(start)}至{zh_date(end)}期间的工资，"
        f"金额合计人民币{format_yuan(case.owed_total)}元。"
    )


def _received(case: CaseState) -> str:
    return zh_date(shanghai_date(case.received_at))


def _acceptance(case: CaseState) -> list[str]:
    return [
        f"你于{_received(case)}反映的{_facts(case)}",
        f"经审查，该投诉符合受理条件，本机关决定予以受理并立案调查（案号：{case.case_number or '—'}）。"
        "调查期间请保持联系畅通，如实提供有关材料。",
    ]


def _rejection(case: CaseState) -> list[str]:
    return [
        f"你于{_received(case)}反映的{_facts(case)}",
        f"经审查，该投诉不符合受理条件，理由如下：{case.rejection_reason or '—'}。本机关决定不予受理。",
    ]


def _payment_order(case: CaseState) -> list[str]:
    due = zh_date(case.order_due) if case.order_due else "—"
    return [
        f"经调查，{_facts(case, '你单位')}其中尚未支付人民币{format_yuan(case.outstanding)}元。",
        f"现责令你单位于{due}前，将下列劳动者的工资足额支付到位，并将支付情况书面报告本机关。",
        "逾期不支付的，本机关将依法责令你单位按应付金额百分之五十以上百分之一百以下的标准"
        "加付赔偿金；符合条件的，将依法列入拖欠农民工工资失信联合惩戒对象名单；"
        "涉嫌拒不支付劳动报酬罪的，将依法移送公安机关。",
    ]


def _closing(case: CaseState) -> list[str]:
    reason = CLOSE_REASONS.get(case.close_reason or "", case.close_reason or "—")
    return [
        f"你于{_received(case)}反映的{_facts(case)}",
        f"本机关已立案调查（案号：{case.case_number or '—'}）。结案理由：{reason}。"
        f"已清偿金额人民币{format_yuan(case.paid_total)}元。现予结案。",
    ]


_PARAGRAPHS: dict[NoticeKind, Callable[[CaseState], list[str]]] = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.REJECTION: _rejection,
    NoticeKind.PAYMENT_ORDER: _payment_order,
    NoticeKind.CLOSING: _closing,
}

_BASIS: dict[NoticeKind, list[str]] = {
    NoticeKind.ACCEPTANCE: [
        "《劳动保障监察条例》第九条、第十四条",
        "《关于实施〈劳动保障监察条例〉若干规定》第十八条",
    ],
    NoticeKind.REJECTION: ["《关于实施〈劳动保障监察条例〉若干规定》第十八条", "《劳动保障监察条例》第二十条"],
    NoticeKind.PAYMENT_ORDER: [
        "《保障农民工工资支付条例》第五十四条、第五十五条",
        "《中华人民共和国劳动合同法》第八十五条",
    ],
    NoticeKind.CLOSING: ["《劳动保障监察条例》第十七条、第十八条"],
}


def build_context(
    kind: NoticeKind, case: CaseState, *, bureau: Bureau, doc_number: str, issued_on: date
) -> NoticeContext:
    ordered = kind == NoticeKind.PAYMENT_ORDER
    workers = [
        NoticeWorkerLine(name=w.name, id_masked=mask_id(w.id_number), amount=w.outstanding)
        for w in case.workers
        if ordered and w.outstanding > Decimal(0)
    ]
    addressee = f"{case.employer.name}（统一社会信用代码：{case.employer.uscc}）" if ordered else case.complainant.name
    contact = "　".join(
        x
        for x in (f"地址：{bureau.address}" if bureau.address else "", f"电话：{bureau.phone}" if bureau.phone else "")
        if x
    )
    return NoticeContext(
        kind=kind,
        title=NOTICE_TITLES[kind],
        bureau_name=bureau.name,
        doc_number=doc_number,
        addressee=addressee,
        case_number=case.case_number,
        issued_on=issued_on,
        paragraphs=_PARAGRAPHS[kind](case),
        legal_basis=_BASIS[kind],
        workers=workers,
        total_amount=case.outstanding if ordered else None,
        due=case.order_due if ordered else None,
        rights=[RIGHTS] if kind in (NoticeKind.PAYMENT_ORDER, NoticeKind.REJECTION) else [],
        contact=contact,
    )
