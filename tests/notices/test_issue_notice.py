"""The notice activity: a 送达回证 takes the served document's number, never one from the sequence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.case_store import CaseStore
from activities.notices import RECEIPT_WITHOUT_SUBJECT, NoticeActivities
from config.settings import Settings
from db.tables import notices
from models.activities import CaseEvent, IssueNoticeInput, RecordEventInput
from models.case import CaseState
from models.notices import NoticeKind
from tests.harness import shared_renderer
from tests.notices.conftest import SERVED_AT, make_case, pdf_text

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


async def registered_case(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> CaseState:
    case = make_case().model_copy(update={"last_seq": 1})
    event = CaseEvent(
        seq=1, at=NOW, kind="intake", actor="u1", actor_role="inspector", stage_before=None, stage_after="intake"
    )
    store = CaseStore(sessions, settings)
    await ActivityEnvironment().run(store.record_event, RecordEventInput(case=case, event=event))
    return case


async def test_receipt_carries_the_served_number(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    issuer = NoticeActivities(sessions, shared_renderer(), settings)
    env = ActivityEnvironment()
    case = await registered_case(sessions, settings)
    order = await env.run(
        issuer.issue_notice,
        IssueNoticeInput(case=case, kind=NoticeKind.PAYMENT_ORDER, occurrence=1, issued_at=NOW),
    )
    assert order.doc_number == "小人社监令〔2026〕1号"
    served = order.model_copy(update={"served_at": SERVED_AT, "service_method": "left", "service_recipient": "李四"})
    case = case.model_copy(update={"notices": [served]})
    receipt_input = IssueNoticeInput(
        case=case,
        kind=NoticeKind.SERVICE_RECEIPT,
        occurrence=1,
        issued_at=SERVED_AT,
        subject_notice_id=order.notice_id,
    )
    receipt = await env.run(issuer.issue_notice, receipt_input)
    assert receipt.doc_number == "小人社监令〔2026〕1号-送" and receipt.kind == "service_receipt"
    assert await env.run(issuer.issue_notice, receipt_input) == receipt  # a retry returns the same receipt

    async with sessions() as s:
        path = await s.scalar(select(notices.c.path).where(notices.c.notice_id == receipt.notice_id))
    text = pdf_text((settings.notice_dir / str(path)).read_bytes())
    for words in ("送达回证", "小人社监令〔2026〕1号-送", "留置送达", "签收人李四", "2026年11月23日10时05分"):
        assert words in text, words

    second = await env.run(
        issuer.issue_notice,
        IssueNoticeInput(case=case, kind=NoticeKind.PAYMENT_ORDER, occurrence=2, issued_at=NOW),
    )
    assert second.doc_number == "小人社监令〔2026〕2号"  # the receipt took no number from the sequence


@pytest.mark.parametrize("subject", [None, "C1-payment_order-9"])
async def test_receipt_without_a_served_notice_fails_for_good(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, subject: str | None
) -> None:
    issuer = NoticeActivities(sessions, shared_renderer(), settings)
    inp = IssueNoticeInput(
        case=make_case(), kind=NoticeKind.SERVICE_RECEIPT, occurrence=1, issued_at=NOW, subject_notice_id=subject
    )
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(issuer.issue_notice, inp)
    assert raised.value.type == RECEIPT_WITHOUT_SUBJECT and raised.value.non_retryable
