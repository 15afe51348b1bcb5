"""The complainant's view (docs/complainant.md): a query code and the last four digits of the complainant's phone
open the case's progress — stage, next step and its legal deadline, documents (titles and dates), recovered total —
and nothing about any other person. A wrong code and a wrong phone are answered alike, after the same work; failures
count against the caller and against the code as bad sign-ins do (a shared table, so every API replica counts
together)."""

from __future__ import annotations

import hmac
import logging
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from api.deps import Backend, now, sign_in_limits
from config.logs import bind
from db.cases import from_fen, slim_state
from db.tables import cases
from db.users import record_sign_in_failure, sign_in_failures_of
from models.case import CaseState, DeadlineKind, Stage
from models.clock import to_shanghai
from models.follow import FollowDocument, FollowStatus, code_digest
from models.notices import NOTICE_TITLES, NoticeKind
from models.stored import STORED

log = logging.getLogger(__name__)
NOT_FOUND = "查询码或手机号码后四位不正确，请核对受理通知书上的查询码后重试"
DUMMY_PHONE = "00000000000"
"""Compared against when no case has the code, so a wrong code costs the same comparison as a wrong phone."""
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
NEXT_STEP_PLAIN: dict[DeadlineKind, str] = {
    DeadlineKind.ACCEPTANCE: "劳动保障监察机构审查并决定是否受理您的投诉",
    DeadlineKind.INVESTIGATION: "劳动保障监察机构调查核实，依法处理并办结本案",
    DeadlineKind.PAYMENT_ORDER: "用人单位按限期改正指令书支付拖欠的工资",
    DeadlineKind.COURT_ENFORCEMENT: "用人单位不履行行政处理决定的，依法申请人民法院强制执行",
}
"""The running deadlines the complainant waits on, as the next step in plain words: the periods the law sets for
deciding on the complaint, investigating it, paying by the order and enforcing the decision. The others are the
employer's or internal (service, defence periods, referral, the list) or the bureau's own clear-to-zero targets."""


class TooManyTries(Exception):
    def __init__(self, wait: int) -> None:
        self.wait = wait


class NotFound(Exception):
    """The code or the phone is wrong (which one is never said)."""


@dataclass(frozen=True)
class Found:
    state: CaseState
    paid_fen: int


@dataclass(frozen=True)
class Candidate:
    """The case whose digest matched, before the phone is checked: its id and the complainant's phone only."""

    case_id: str
    phone: str | None


def limit_keys(caller: str | None, code: str) -> tuple[str, str]:
    """Failures count against the caller's address and against the code typed (whether a case has it or not),
    so many addresses cannot share out the ten thousand guesses of a known code's phone digits."""
    return f"follow:{caller or 'unknown'}", f"follow-code:{code_digest(code)}"


async def _candidate(b: Backend, typed_code: str) -> Candidate | None:
    """One look-up by digest, reading the complainant's phone only: a wrong code and a right code with a wrong
    phone cost the same (the state is read once the phone matched)."""
    phone = cases.c.state[("complainant", "phone")].as_string()
    async with b.sessions() as s:
        row = (
            await s.execute(
                select(cases.c.case_id, phone.label("phone")).where(cases.c.query_digest == code_digest(typed_code))
            )
        ).first()
    return None if row is None else Candidate(row.case_id, row.phone)


async def _found(b: Backend, case_id: str) -> Found:
    async with b.sessions() as s:
        dialect = s.get_bind().dialect.name
        row = (await s.execute(select(slim_state(dialect), cases.c.paid_fen).where(cases.c.case_id == case_id))).one()
    return Found(CaseState.model_validate_json(row.state, context=STORED), row.paid_fen)


def _status(found: Found, bureau: str) -> FollowStatus:
    state = found.state
    running = sorted((d for d in state.deadlines if d.open and d.kind in NEXT_STEP_PLAIN), key=lambda d: d.due)
    nearest = running[0] if running else None
    documents = [
        FollowDocument(title=NOTICE_TITLES[NoticeKind(n.kind)], issued_on=f"{to_shanghai(n.issued_at):%Y-%m-%d}")
        for n in state.notices
        if n.kind in PUBLIC_KINDS
    ]
    return FollowStatus(
        received_on=f"{to_shanghai(state.received_at):%Y-%m-%d}",
        stage=STAGE_PLAIN.get(state.stage, state.stage_name()),
        next_step=NEXT_STEP_PLAIN[nearest.kind] if nearest else None,
        next_due=nearest.due.isoformat() if nearest else None,
        documents=documents,
        recovered=f"{from_fen(found.paid_fen):.2f}",
        bureau=bureau,
    )


async def follow(b: Backend, code: str, phone_last4: str) -> FollowStatus:
    keys = limit_keys(b.caller, code)
    limits, moment = sign_in_limits(b.settings), now()
    async with b.sessions() as s:
        records = [await sign_in_failures_of(s, key) for key in keys]
    waits = [wait for f in records if f is not None and (wait := f.retry_after(moment, limits)) is not None]
    if waits:
        log.info("follow: refused, too many failures from %s", b.caller)
        raise TooManyTries(max(waits))
    candidate = await _candidate(b, code)
    phone = (candidate.phone if candidate else None) or DUMMY_PHONE
    typed = unicodedata.normalize("NFKC", phone_last4)  # full-width digits from a Chinese input method
    same = hmac.compare_digest(phone[-4:].encode(), typed.encode())
    if candidate is None or not candidate.phone or not same:
        async with b.sessions.begin() as w:
            for key in keys:
                await record_sign_in_failure(w, key, moment, limits.window)
        log.info("follow: no case for the code and phone from %s", b.caller)
        raise NotFound
    bind(case_id=candidate.case_id)
    log.info("follow: progress shown to %s", b.caller)
    found = await _found(b, candidate.case_id)
    return _status(found, b.settings.bureau_for(found.state.region_code).name)
