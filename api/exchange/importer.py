"""Starting the complaints of a parsed sheet (api/exchange/complaints_sheet.py), exactly as ``POST /cases`` starts
one: the same checks of who may file where, the same start (api.routes.cases.register), an idempotency key from the
complaint's content — so importing the same file again creates nothing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from api.deps import Backend
from api.errors import ApiError
from api.exchange.complaints_sheet import Complaint, ParsedSheet, RowError
from api.routes.cases import register
from db.users import User
from models.case import Role
from models.errors import ErrorCode

log = logging.getLogger(__name__)
CONCURRENCY = 4
"""Complaints started at once: the workflow starts overlap, the worker and database are not flooded."""
IMPORT_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR})


class Outcome(StrEnum):
    CREATED = "created"
    ALREADY = "already"
    """Imported before (the same content): the case it made."""
    REFUSED = "refused"
    """Not started: the file's problems with it (error sheet), or the engine's refusal."""


OUTCOME_ZH = {Outcome.CREATED: "已登记", Outcome.ALREADY: "此前已导入，未重复登记", Outcome.REFUSED: "未导入"}


@dataclass(frozen=True)
class Imported:
    complaint: Complaint
    outcome: Outcome
    case_id: str | None
    reason: str = ""

    @property
    def outcome_zh(self) -> str:
        return OUTCOME_ZH[self.outcome]


def idempotency_key(complaint: Complaint) -> str:
    return f"import:{complaint.content_key}"


async def start_all(
    b: Backend, user: User, parsed: ParsedSheet, progress: Callable[[Imported], None] | None = None
) -> list[Imported]:
    """Every valid complaint started (or found, when imported before); each result reported to ``progress`` as it
    comes. The file's invalid complaints are REFUSED with the reason of their first row's error."""
    if user.role not in IMPORT_ROLES:
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, "只有监察员、科室负责人可以导入投诉")
    results: dict[int, Imported] = {}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(i: int, complaint: Complaint) -> None:
        if complaint.intake is None:
            first = complaint.errors[0] if complaint.errors else RowError(complaint.rows[0], "", "")
            outcome = Imported(complaint, Outcome.REFUSED, None, f"第{first.row}行：{first.reason}")
        elif not user.covers(complaint.intake.region_code):
            reason = f"无权在行政区划 {complaint.intake.region_code} 登记案件"
            complaint.errors += [RowError(n, "行政区划代码", reason) for n in complaint.rows]
            parsed.errors += [RowError(n, "行政区划代码", reason) for n in complaint.rows]
            outcome = Imported(complaint, Outcome.REFUSED, None, reason)
        else:
            async with gate:
                try:
                    case_id, created = await register(b, user, complaint.intake, idempotency_key(complaint))
                except ApiError as exc:
                    log.warning("import: a complaint was not started: %s", exc.code.value)
                    outcome = Imported(complaint, Outcome.REFUSED, None, exc.message)
                else:
                    outcome = Imported(complaint, Outcome.CREATED if created else Outcome.ALREADY, case_id)
        results[i] = outcome
        if progress is not None:
            progress(outcome)

    await asyncio.gather(*(one(i, c) for i, c in enumerate(parsed.complaints)))
    parsed.errors.sort(key=lambda e: (e.row, e.column))
    return [results[i] for i in range(len(parsed.complaints))]
