"""What each notice says, built from the case.

Personal data is masked here, before any template sees it: the context is stored and rendered,
so a full resident ID number or phone number must never reach it, not even inside free text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from models.case import CaseState
from models.clock import shanghai_date
from models.identity import mask_id, mask_phone
from models.money import ZERO
from models.notices import NOTICE_TITLES, Bureau, NoticeContext, NoticeKind, NoticeWorkerLine
from notices.amounts import amount_in_words, format_yuan, zh_date

RIGHTS = "如不服本决定，可在收到本文书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
CLOSE_REASONS: dict[str, str] = {
    "cleared": "欠薪已全部清偿",
    "withdrawn": "投诉人撤回投诉",
    "no_violation": "经调查未发现违法行为",
    "transferred": "已移送有关部门处理",
}
LEGAL_BASIS: dict[NoticeKind, list[str]] = {
    NoticeKind.ACCEPTANCE: [
        "《劳动保障监察条例》第九条、第十四条",
        "《关于实施〈劳动保障监察条例〉若干规定》第十八条",
    ],
    NoticeKind.REJECTION: ["《关于实施〈劳动保障监察条例〉若干规定》第十八条"],
    NoticeKind.PAYMENT_ORDER: [
        # 条例第二十六条 is the classic power to order wages paid by a deadline (加付赔偿金 after it);
        # the domain document names the other two.
        "《劳动保障监察条例》第二十六条",
        "《保障农民工工资支付条例》第五十四条、第五十五条",
        "《中华人民共和国劳动合同法》第八十五条",
    ],
    # The brief names no article for closing; 条例第十八条 is where an investigation's outcomes are listed.
    NoticeKind.CLOSING: ["《劳动保障监察条例》第十八条"],
}
_RIGHTS_KINDS = frozenset({NoticeKind.PAYMENT_ORDER, NoticeKind.REJECTION})
_NONE = "—"

# A resident ID (18 characters, or the old 15 digits) or a mobile number typed into free text.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Mask ID and mobile numbers inside free text written by people, which no validator checked."""
    text = _ID_RE.sub(lambda m: mask_id(m.group().upper()), text)
    return _MOBILE_RE.sub(lambda m: mask_phone(m.group()), text)


def _money(amount: Decimal) -> str:
    """An amount in figures and in 大写, as every amount in a notice is printed."""
    return f"人民币{format_yuan(amount)}元（大写：{amount_in_words(amount)}）"


def _employer(case: CaseState) -> str:
    return f"{scrub(case.employer.name)}（统一社会信用代码：{case.employer.uscc}）"


def _arrears(case: CaseState, subject: str) -> str:
    """The facts: who owes how many workers for which period, and how much."""
    project = f"在“{scrub(case.project.name)}”项目中" if case.project else ""
    start = min(w.owed_from for w in case.workers)
    end = max(w.owed_to for w in case.workers)
    return (
        f"{subject}{project}拖欠{len(case.workers)}名劳动者{zh_date(start)}至{zh_date(end)}期间的工资，"
        f"金额合计{_money(case.owed_total)}"
    )


def _complaint(case: CaseState) -> str:
    received = zh_date(shanghai_date(case.received_at))
    return f"你于{received}向本机关反映，{_arrears(case, _employer(case))}。"


def _case_number(case: CaseState) -> str:
    return scrub(case.case_number) if case.case_number else _NONE


def _acceptance(case: CaseState) -> list[str]:
    return [
        _complaint(case),
        f"经审查，该投诉符合受理条件，本机关决定予以受理并立案调查（案号：{_case_number(case)}）。"
        "调查期间请保持联系畅通，如实提供有关情况和材料。",
    ]


def _rejection(case: CaseState) -> list[str]:
    reason = scrub(case.rejection_reason).rstrip("。") if case.rejection_reason else _NONE
    return [
        _complaint(case),
        f"经审查，该投诉不符合受理条件，理由如下：{reason}。本机关决定不予受理。",
    ]


def _payment_order(case: CaseState) -> list[str]:
    due = zh_date(case.order_due) if case.order_due else _NONE
    return [
        f"经调查，{_arrears(case, '你单位')}，截至本指令书作出之日尚有{_money(case.outstanding)}未支付。",
        f"现责令你单位于{due}前，将下列劳动者的工资足额支付到位，并将支付情况书面报告本机关。",
        "逾期不支付的，本机关将依法责令你单位按应付金额百分之五十以上百分之一百以下的标准向劳动者"
        "加付赔偿金；符合条件的，将依法列入拖欠农民工工资失信联合惩戒对象名单，实施失信联合惩戒；"
        "涉嫌拒不支付劳动报酬罪的，将依法移送公安机关追究刑事责任。",
    ]


def _closing(case: CaseState) -> list[str]:
    code = case.close_reason or ""
    reason = CLOSE_REASONS.get(code) or (scrub(code).rstrip("。") if code else _NONE)
    found = []
    if case.paid_total > ZERO:
        found.append(f"已清偿工资{_money(case.paid_total)}")
    if case.outstanding > ZERO and code not in ("cleared", "no_violation"):
        found.append(f"尚有{_money(case.outstanding)}未清偿")
    facts = f"经查，{'，'.join(found)}。" if found else ""
    return [
        _complaint(case),
        f"本机关已立案调查（案号：{_case_number(case)}）。{facts}结案理由：{reason}。本机关决定对该案予以结案。",
    ]


_PARAGRAPHS: dict[NoticeKind, Callable[[CaseState], list[str]]] = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.REJECTION: _rejection,
    NoticeKind.PAYMENT_ORDER: _payment_order,
    NoticeKind.CLOSING: _closing,
}


def _contact(bureau: Bureau) -> str:
    parts = [
        f"地址：{bureau.address}" if bureau.address else "",
        f"电话：{bureau.phone}" if bureau.phone else "",
    ]
    return "　".join(p for p in parts if p)


def build_context(
    kind: NoticeKind, case: CaseState, *, bureau: Bureau, doc_number: str, issued_on: date
) -> NoticeContext:
    """The notice as plain data: the complainant is told of acceptance, rejection and closing; the
    employer is ordered to pay, with each worker's outstanding amount next to a masked ID number."""
    ordered = kind == NoticeKind.PAYMENT_ORDER
    workers = [
        NoticeWorkerLine(name=scrub(w.name), id_masked=mask_id(w.id_number), amount=w.outstanding)
        for w in case.workers
        if ordered and w.outstanding > ZERO
    ]
    return NoticeContext(
        kind=kind,
        title=NOTICE_TITLES[kind],
        bureau_name=bureau.name,
        doc_number=doc_number,
        addressee=_employer(case) if ordered else scrub(case.complainant.name),
        case_number=scrub(case.case_number) if case.case_number else None,
        issued_on=issued_on,
        paragraphs=_PARAGRAPHS[kind](case),
        legal_basis=list(LEGAL_BASIS[kind]),
        workers=workers,
        total_amount=case.outstanding if ordered else None,
        due=case.order_due if ordered else None,
        rights=[RIGHTS] if kind in _RIGHTS_KINDS else [],
        contact=_contact(bureau),
    )
