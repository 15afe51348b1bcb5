"""When a case may start its long-arm sub-processes (the blacklist, the criminal referral) or be published as a
major violation, and what they start from. Pure rules over the case; the sub-processes' own rules are in
rules/blacklist.py and rules/referral.py."""

from __future__ import annotations

from datetime import datetime

from models.actions import ProposeBlacklistBody, PublishViolationBody, ReferToPoliceBody
from models.case import CaseState
from models.clock import shanghai_date
from models.enforcement import CriminalThreshold
from models.errors import ErrorCode, Refusal
from models.money import ZERO
from models.notices import NoticeKind
from models.track_summary import TRACK_ZH, TrackKind
from models.tracks import (
    MAX_TRACKS,
    BlacklistBasis,
    BlacklistState,
    ListedParty,
    OrderFacts,
    PartyRole,
    ReferralState,
    seq_base,
    track_id,
)
from rules.criminal import NATIONAL_FLOOR, amount_is_large

ORDER_NOT_SERVED = "指令书尚未送达：未送达的责令支付文书不能作为列入名单或移送公安机关的依据，请先登记送达"
ORDER_NOT_DUE = "责令限期支付的期限尚未届满，不能据以列入名单或移送公安机关"


def check_persons(body: ProposeBlacklistBody) -> None:
    """On the body alone: exactly one legal representative (or principal person in charge), no one twice."""
    leaders = [p for p in body.persons if p.role == PartyRole.LEGAL_REPRESENTATIVE]
    if len(leaders) != 1:
        raise Refusal(ErrorCode.LEGAL_REPRESENTATIVE_REQUIRED, field="persons")
    ids = [p.id_number for p in body.persons]
    if len(set(ids)) != len(ids):
        raise Refusal(ErrorCode.DUPLICATE_PARTY, field="persons")


def _ignored_order(case: CaseState, now: datetime) -> None:
    """The order to pay was served, its pay-by date has passed, and wages are still owed (45号令 art. 5;
    法释〔2013〕3号 art. 4: not paying by the order's deadline is "still not paid after an order")."""
    order = case.latest_notice(NoticeKind.PAYMENT_ORDER.value)
    if order is None or not order.served:
        raise Refusal(ErrorCode.ORDER_NOT_SERVED, ORDER_NOT_SERVED)
    if case.order_due is None or shanghai_date(now) <= case.order_due:
        raise Refusal(ErrorCode.ORDER_NOT_DUE, ORDER_NOT_DUE)
    if case.outstanding == ZERO:
        raise Refusal(ErrorCode.NOTHING_OUTSTANDING)


def _room_for(case: CaseState, kind: TrackKind) -> None:
    mine = [t for t in case.tracks if t.kind == kind]
    if any(t.open for t in mine):
        raise Refusal(ErrorCode.TRACK_ALREADY_OPEN, f"本案已有进行中的{TRACK_ZH[kind]}程序，不能重复提起")
    if len(mine) >= MAX_TRACKS:
        raise Refusal(ErrorCode.TOO_MANY_TRACKS)


def _large(case: CaseState, threshold: CriminalThreshold | None) -> None:
    figures = threshold or NATIONAL_FLOOR
    if not amount_is_large(case.workers, figures):
        raise Refusal(
            ErrorCode.THRESHOLD_NOT_MET,
            "尚欠农民工工资未达到本省拒不支付劳动报酬罪“数额较大”标准（法释〔2013〕3号第三条：一名劳动者三个月以上"
            f"{figures.one_worker:,.0f}元，或者十名以上劳动者累计{figures.ten_workers:,.0f}元）",
        )


def check_propose_blacklist(case: CaseState, body: ProposeBlacklistBody, now: datetime) -> None:
    """45号令 art. 5: an ignored order, and either the amount is large or the arrears caused a mass or extreme
    incident."""
    _room_for(case, TrackKind.BLACKLIST)
    _ignored_order(case, now)
    if body.basis == BlacklistBasis.LARGE_AMOUNT:
        _large(case, body.threshold)


def check_refer(case: CaseState, body: ReferToPoliceBody, now: datetime) -> None:
    """刑法 art. 276-1 with 法释〔2013〕3号 art. 3, 4: an ignored order and a large amount."""
    _room_for(case, TrackKind.REFERRAL)
    _ignored_order(case, now)
    _large(case, body.threshold)


def published_documents(case: CaseState) -> list[str]:
    """The decisions a publication rests on: the 行政处理决定书 and an imposed 行政处罚决定书."""
    docs = []
    for kind in (NoticeKind.DECISION, NoticeKind.PENALTY_DECISION):
        ref = case.latest_notice(kind.value)
        if ref is not None:
            docs.append(ref.doc_number)
    return docs


def check_publish(case: CaseState, body: PublishViolationBody) -> None:
    if case.publication is not None:
        raise Refusal(ErrorCode.ALREADY_PUBLISHED)
    if not published_documents(case):
        raise Refusal(ErrorCode.NOTHING_TO_PUBLISH)


def order_facts(case: CaseState) -> OrderFacts:
    """The order a sub-process rests on (checked served by the rules above)."""
    order = case.latest_notice(NoticeKind.PAYMENT_ORDER.value)
    assert order is not None and order.served_at is not None and case.order_due is not None
    receipt = case.notice(order.receipt_id) if order.receipt_id else None
    return OrderFacts(
        doc_number=order.doc_number,
        notice_id=order.notice_id,
        served_at=order.served_at,
        receipt_doc_number=receipt.doc_number if receipt else None,
        due=case.order_due,
    )


def owed_workers(case: CaseState) -> int:
    return sum(1 for w in case.workers if w.outstanding > 0)


def _common(case: CaseState, number: int, created_by: str, now: datetime) -> dict[str, object]:
    return {
        "case_id": case.case_id,
        "region_code": case.region_code,
        "number": number,
        "case_number": case.case_number,
        "employer": case.employer,
        "order": order_facts(case),
        "created_by": created_by,
        "assignee": case.assignee,
        "started_at": now,
        "outstanding": case.outstanding,
        "owed_workers": owed_workers(case),
    }


def start_blacklist(
    case: CaseState, body: ProposeBlacklistBody, number: int, created_by: str, now: datetime
) -> BlacklistState:
    """The listing's state as it starts: the employer and the persons named are its parties (45号令 art. 5 ¶2)."""
    employer = ListedParty(index=0, role=PartyRole.EMPLOYER, name=case.employer.name, uscc=case.employer.uscc)
    persons = [
        ListedParty(index=i, role=p.role, name=p.name, id_number=p.id_number, position=p.position)
        for i, p in enumerate(body.persons, start=1)
    ]
    kind = TrackKind.BLACKLIST
    return BlacklistState(
        track_id=track_id(case.case_id, kind, number),
        last_seq=seq_base(kind, number),
        basis=body.basis,
        facts=body.facts,
        parties=[employer, *persons],
        threshold=body.threshold if body.basis == BlacklistBasis.LARGE_AMOUNT else None,
        threshold_is_provincial=body.threshold_is_provincial,
        **_common(case, number, created_by, now),
    )


def start_referral(
    case: CaseState, body: ReferToPoliceBody, number: int, created_by: str, now: datetime
) -> ReferralState:
    kind = TrackKind.REFERRAL
    return ReferralState(
        track_id=track_id(case.case_id, kind, number),
        last_seq=seq_base(kind, number),
        report=body.report,
        officers=list(body.officers),
        threshold=body.threshold,
        threshold_is_provincial=body.threshold_is_provincial,
        **_common(case, number, created_by, now),
    )


def next_number(case: CaseState, kind: TrackKind) -> int:
    return 1 + sum(1 for t in case.tracks if t.kind == kind)
