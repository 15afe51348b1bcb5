"""The complainant's view (docs/complainant.md): a query code and the last four digits of the complainant's phone
open the case's progress — stage, next step and its legal deadline, documents (titles and dates), recovered total —
and nothing about any other person. A wrong code and a wrong phone are answered alike, after the same work; failures
count against the caller as bad sign-ins do (a shared table, so every API replica counts together)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select

from api.deps import Backend, now, sign_in_limits
from db.cases import from_fen, slim_state
from db.tables import cases
from db.users import record_sign_in_failure, sign_in_failures_of
from models.case import DEADLINE_ZH, CaseState, Stage
from models.clock import to_shanghai
from models.follow import FollowDocument, FollowStatus, code_digest
from models.notices import NOTICE_TITLES, NoticeKind
from models.stored import STORED

NOT_FOUND = "查询码或手机号码后四位不正确，请核对受理通知书上的查询码后重试"
DUMMY_PHONE = "00000000000"
PUBLIC_KINDS = frozenset(
    {
        NoticeKind.ACCEPTANCE,
        NoticeKind.REJECTION,
        NoticeKind.REDIRECTION,
        NoticeKind.SUPPLEMENT,
        NoticeKind.PAYMENT_ORDER,
        NoticeKind.DECISION,
        NoticeKind.CLOSING,
    }
)
"""The documents the complainant is told of: those addressed to them or deciding their wages (no internal papers)."""
STAGE_PLAIN: dict[Stage, str] = {
    Stage.INTAKE: "投诉已登记，正在审查是否受理",
    Stage.INVESTIGATING: "已立案，正在调查核实",
    Stage.ORDERED: "已责令用人单位限期支付工资",
    Stage.DECIDED: "已作出行政处理决定，督促用人单位履行",
    Stage.CLEARED: "工资已全部支付，等待结案",
    Stage.CLOSED: "案件已办结",
    Stage.REJECTED: "投诉不予受理（原因见不予受理通知书）",
}


class TooManyTries(Exception):
    def __init__(self, wait: int) -> None:
        self.wait = wait


class NotFound(Exception):
    """The code or the phone is wrong (which one is never said)."""


@dataclass(frozen=True)
class Found:
    state: CaseState
    paid_fen: int


async def _lookup(b: Backend, typed_code: str) -> Found | None:
    async with b.sessions() as s:
        dialect = s.get_bind().dialect.name
        row = (
            await s.execute(
                select(slim_state(dialect), cases.c.paid_fen).where(cases.c.query_digest == code_digest(typed_code))
            )
        ).first()
    if row is None:
        return None
    return Found(CaseState.model_validate_json(row.state, context=STORED), row.paid_fen)


def _status(found: Found, bureau: str) -> FollowStatus:
    state = found.state
    running = sorted((d for d in state.deadlines if d.open), key=lambda d: d.due)
    nearest = running[0] if running else None
    documents = [
        FollowDocument(title=NOTICE_TITLES[NoticeKind(n.kind)], issued_on=f"{to_shanghai(n.issued_at):%Y-%m-%d}")
        for n in state.notices
        if n.kind in PUBLIC_KINDS
    ]
    return FollowStatus(
        received_on=f"{to_shanghai(state.received_at):%Y-%m-%d}",
        stage=STAGE_PLAIN.get(state.stage, state.stage_name()),
        next_step=DEADLINE_ZH.get(nearest.kind) if nearest else None,
        next_due=nearest.due.isoformat() if nearest else None,
        documents=documents,
        recovered=f"{from_fen(found.paid_fen):.2f}",
        bureau=bureau,
    )


async def follow(b: Backend, code: str, phone_last4: str) -> FollowStatus:
    caller = f"follow:{b.caller or 'unknown'}"
    limits, moment = sign_in_limits(b.settings), now()
    async with b.sessions() as s:
        failures = await sign_in_failures_of(s, caller)
    wait = None if failures is None else failures.retry_after(moment, limits)
    if wait is not None:
        raise TooManyTries(wait)
    found = await _lookup(b, code)
    phone = (found.state.complainant.phone if found else None) or DUMMY_PHONE
    same = hmac.compare_digest(phone[-4:].encode(), phone_last4.encode())
    if found is None or not same:
        async with b.sessions.begin() as w:
            await record_sign_in_failure(w, caller, moment, limits.window)
        raise NotFound
    return _status(found, b.settings.bureau_for(found.state.region_code).name)
