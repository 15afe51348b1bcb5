"""Issuing a notice: document number, PDF, content-addressed file and row, in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.files import FILE_MODE, private_dir
from config.settings import Settings
from db.cases import get_notice, recorded_workers
from db.sequences import next_value
from db.tables import notices
from models.activities import ISSUE_NOTICE, IssueNoticeInput, notice_id
from models.case import NoticeRef
from models.clock import shanghai_date
from models.notices import DOC_TYPE_ABBR, NoticeKind, format_doc_number
from notices.context import build_context
from notices.render import NoticeRenderer
from notices.wording import service_receipt_number

log = logging.getLogger(__name__)
RECEIPT_WITHOUT_SUBJECT = "ReceiptWithoutSubject"


def _ref(row: dict[str, Any]) -> NoticeRef:
    return NoticeRef(
        notice_id=row["notice_id"],
        kind=row["kind"],
        doc_number=row["doc_number"],
        issued_at=row["issued_at"],
        sha256=row["sha256"],
    )


def served_subject(inp: IssueNoticeInput) -> NoticeRef | None:
    """For a 送达回证, the notice whose service it proves, as the case holds it after the service was
    recorded; None for every other kind. A receipt without a served subject is a bug in the caller,
    so it fails without retries."""
    if inp.kind != NoticeKind.SERVICE_RECEIPT:
        return None
    subject = inp.case.notice(inp.subject_notice_id) if inp.subject_notice_id else None
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


class NoticeActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], renderer: NoticeRenderer, settings: Settings
    ) -> None:
        self._sessions = sessions
        self._renderer = renderer
        self._settings = settings

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
            if subject is not None:
                # the proof of service carries the served document's number, not one of its own
                doc_number = service_receipt_number(subject.doc_number)
            else:
                seq = await next_value(session, bureau.abbr, DOC_TYPE_ABBR[inp.kind], issued_on.year)
                doc_number = format_doc_number(bureau.abbr, DOC_TYPE_ABBR[inp.kind], issued_on.year, seq)
            case = inp.case.model_copy(update={"workers": await recorded_workers(session, inp.case.case_id)})
            ctx = build_context(
                inp.kind,
                case,
                bureau=bureau,
                doc_number=doc_number,
                issued_on=issued_on,
                subject=subject,
                # a 督办通知书's subject is the kind of the deadline it chases
                deadline=inp.subject_notice_id if inp.kind == NoticeKind.SUPERVISION else None,
                overdue_working_days=self._settings.level2_working_days,
            )
            pdf = await asyncio.to_thread(self._renderer.render, ctx)
            digest, path = await asyncio.to_thread(store_pdf, self._settings.notice_dir, pdf)
            row = {
                "notice_id": key,
                "case_id": inp.case.case_id,
                "kind": inp.kind.value,
                "occurrence": inp.occurrence,
                "doc_number": doc_number,
                "issued_at": inp.issued_at,
                "sha256": digest,
                "path": str(path.relative_to(self._settings.notice_dir)),
                "size": len(pdf),
            }
            await session.execute(notices.insert().values(**row))
        log.info("notice issued case=%s kind=%s doc=%s", inp.case.case_id, inp.kind.value, doc_number)
        return _ref(row)
