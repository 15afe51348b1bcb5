"""Issuing a notice: document number, PDF, content-addressed file and row, in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.files import FILE_MODE, private_dir
from config.settings import Settings
from db.cases import get_notice, get_state, recorded_workers
from db.sequences import next_value
from db.tables import cases, notices
from models.activities import ISSUE_NOTICE, ISSUE_TRACK_NOTICE, IssueNoticeInput, IssueTrackNoticeInput, notice_id
from models.case import NoticeRef, ProcedureState
from models.clock import shanghai_date
from models.follow import code_digest, new_code
from models.notices import DOC_TYPE_ABBR, Bureau, NoticeContext, NoticeKind, format_doc_number
from notices.context import build_context
from notices.render import NoticeRenderer
from notices.wording import service_receipt_number

log = logging.getLogger(__name__)
RECEIPT_WITHOUT_SUBJECT = "ReceiptWithoutSubject"
CASE_NOT_RECORDED = "CaseNotRecorded"


def _ref(row: dict[str, Any]) -> NoticeRef:
    return NoticeRef(
        notice_id=row["notice_id"],
        kind=row["kind"],
        doc_number=row["doc_number"],
        issued_at=row["issued_at"],
        sha256=row["sha256"],
    )


def served_subject(inp: IssueNoticeInput | IssueTrackNoticeInput) -> NoticeRef | None:
    """For a 送达回证, the notice whose service it proves, as the case (or the sub-process that issued it)
    holds it after the service was recorded; None for every other kind. A receipt without a served subject
    is a bug in the caller, so it fails without retries."""
    if inp.kind != NoticeKind.SERVICE_RECEIPT:
        return None
    holder: ProcedureState = inp.case if isinstance(inp, IssueNoticeInput) else inp.track
    subject = holder.notice(inp.subject_notice_id) if inp.subject_notice_id else None
    if subject is None:
        raise ApplicationError(
            f"送达回证所证明的文书不存在：{inp.subject_notice_id or '（未指明）'}",
            type=RECEIPT_WITHOUT_SUBJECT,
            non_retryable=True,
        )
    return subject


def store_pdf(notice_dir: Path, pdf: bytes) -> tuple[str, Path]:
    """Write the PDF under its SHA-256 (atomic rename); the same bytes are stored once."""
    digest = hashlib.sha256(pdf).hexdigest()
    path = notice_dir / digest[:2] / f"{digest}.pdf"
    if not path.exists():
        private_dir(path.parent)  # 0700 (and notice_dir too, if it is made here)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.fchmod(fd, FILE_MODE)  # 0600 whatever the umask
        with os.fdopen(fd, "wb") as f:
            f.write(pdf)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    return digest, path


async def doc_number(
    session: AsyncSession, bureau: Bureau, kind: NoticeKind, issued_on: date, subject: NoticeRef | None
) -> str:
    """The next number of the bureau's sequence for the kind and year; a proof of service carries the served
    document's number instead, and takes none from the sequence."""
    if subject is not None:
        return service_receipt_number(subject.doc_number)
    seq = await next_value(session, bureau.abbr, DOC_TYPE_ABBR[kind], issued_on.year)
    return format_doc_number(bureau.abbr, DOC_TYPE_ABBR[kind], issued_on.year, seq)


class NoticeActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], renderer: NoticeRenderer, settings: Settings
    ) -> None:
        self._sessions = sessions
        self._renderer = renderer
        self._settings = settings

    async def _store(
        self,
        session: AsyncSession,
        ctx: NoticeContext,
        key: str,
        case_id: str,
        occurrence: int,
        issued_at: datetime,
        track_id: str | None = None,
    ) -> dict[str, Any]:
        """Render, store the PDF and insert the notice's row (in the caller's transaction): the row it wrote.
        ``track_id``: the sub-process that issued it, whose workflow then handles its service."""
        pdf = await asyncio.to_thread(self._renderer.render, ctx)
        digest, path = await asyncio.to_thread(store_pdf, self._settings.notice_dir, pdf)
        row = {
            "notice_id": key,
            "case_id": case_id,
            "kind": ctx.kind.value,
            "occurrence": occurrence,
            "doc_number": ctx.doc_number,
            "issued_at": issued_at,
            "sha256": digest,
            "path": str(path.relative_to(self._settings.notice_dir)),
            "size": len(pdf),
        }
        if track_id is not None:
            row["track_id"] = track_id
        await session.execute(notices.insert().values(**row))
        return row

    async def _with_query_code(self, session: AsyncSession, ctx: NoticeContext, case_id: str) -> NoticeContext:
        """The 受理通知书 tells the complainant a new query code (docs/complainant.md); only its digest is kept, in
        the same transaction as the notice, so a retry that finds the notice finds the code it printed."""
        code = new_code()
        await session.execute(update(cases).where(cases.c.case_id == case_id).values(query_digest=code_digest(code)))
        url = f"{self._settings.public_base_url.rstrip('/')}/follow"
        text = (
            f"本案查询码：{code}。您可凭查询码和投诉时登记的手机号码后四位，在 {url} 查询本案办理进度、"
            "已制作的文书和已追回的工资。请妥善保管查询码，不要告诉他人。"
        )
        return ctx.model_copy(update={"paragraphs": [*ctx.paragraphs, text]})

    @activity.defn(name=ISSUE_NOTICE)
    async def issue_notice(self, inp: IssueNoticeInput) -> NoticeRef:
        """Keyed by case, kind and occurrence: a retry returns the notice it already issued."""
        key = notice_id(inp.case.case_id, inp.kind, inp.occurrence)
        bureau = self._settings.bureau_for(inp.case.region_code)
        issued_on = shanghai_date(inp.issued_at)
        subject = served_subject(inp)
        async with self._sessions.begin() as session:
            existing = await get_notice(session, key)
            if existing is not None:
                return _ref(existing)
            number = await doc_number(session, bureau, inp.kind, issued_on, subject)
            case = inp.case.model_copy(update={"workers": await recorded_workers(session, inp.case.case_id)})
            ctx = build_context(
                inp.kind,
                case,
                bureau=bureau,
                doc_number=number,
                issued_on=issued_on,
                subject=subject,
                # a 督办通知书's subject is the kind of the deadline it chases
                deadline=inp.subject_notice_id if inp.kind == NoticeKind.SUPERVISION else None,
                overdue_working_days=self._settings.level2_working_days,
            )
            if inp.kind == NoticeKind.ACCEPTANCE and inp.case.complainant.phone:
                ctx = await self._with_query_code(session, ctx, inp.case.case_id)
            row = await self._store(session, ctx, key, inp.case.case_id, inp.occurrence, inp.issued_at)
        log.info("notice issued case=%s kind=%s doc=%s", inp.case.case_id, inp.kind.value, number)
        return _ref(row)

    @activity.defn(name=ISSUE_TRACK_NOTICE)
    async def issue_track_notice(self, inp: IssueTrackNoticeInput) -> NoticeRef:
        """A sub-process's notice, numbered and stored as the case's are (keyed by case, kind and occurrence,
        which the sub-process offsets by its number) and marked with its track. The employer, case number and
        workers come from the case as recorded; the facts of the listing or the referral from ``inp.track``."""
        track = inp.track
        key = notice_id(track.case_id, inp.kind, inp.occurrence)
        issued_on = shanghai_date(inp.issued_at)
        subject = served_subject(inp)
        async with self._sessions.begin() as session:
            existing = await get_notice(session, key)
            if existing is not None:
                return _ref(existing)
            case = await get_state(session, track.case_id)
            if case is None:  # the case records itself before it starts a sub-process: wait for it
                raise ApplicationError(f"案件尚未登记：{track.case_id}", type=CASE_NOT_RECORDED)
            bureau = self._settings.bureau_for(case.region_code)
            number = await doc_number(session, bureau, inp.kind, issued_on, subject)
            ctx = build_context(
                inp.kind,
                case,
                bureau=bureau,
                doc_number=number,
                issued_on=issued_on,
                subject=subject,
                deadline=inp.subject_notice_id if inp.kind == NoticeKind.SUPERVISION else None,
                overdue_working_days=self._settings.level2_working_days,
                track=track,
                party=inp.party,
            )
            row = await self._store(session, ctx, key, track.case_id, inp.occurrence, inp.issued_at, track.track_id)
        log.info("notice issued track=%s kind=%s doc=%s", track.track_id, inp.kind.value, number)
        return _ref(row)
