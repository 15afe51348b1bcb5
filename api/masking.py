"""Least privilege: who sees case data at all, who sees full ID numbers and phones, and the masks.

- ``admin`` administers users and the calendar and sees no case data: every case-data route (the case
  list, a case, its history, notices and PDFs, actions, reports, digests, reminders) refuses it (403), by
  the routers' common dependency :func:`case_reader`, which also names the caller (and the case of the
  URL) in the log context.
- Full resident ID numbers and phones only on the case page (and the responses of intake and actions,
  which are the case page), to an ``inspector``, ``supervisor`` or ``head`` whose jurisdiction covers the
  case's region (:func:`sees_personal_data`): the people who already see the case at all. Everywhere
  else (list lines, history, reports, digests, reminders, errors, logs) they are masked with the one mask
  of models.identity: ``110105********1234`` and ``138****5678``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.deps import CurrentUser
from api.errors import ApiError
from config.logs import bind, redact
from db.users import User
from models.case import Role
from models.errors import ErrorCode
from models.identity import mask_id, mask_phone

ADMIN_SEES_NO_CASES = "系统管理员不查看案件数据（管理员只管理用户和工作日历）"
PERSONAL_DATA_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR, Role.HEAD})
"""The roles that handle cases: with the case's region in their jurisdiction, they see its people in full."""


def sees_personal_data(user: User, region_code: str) -> bool:
    """Full ID numbers and phones of a case: its region's inspectors, supervisors and heads, nobody else."""
    return user.role in PERSONAL_DATA_ROLES and user.covers(region_code)


async def case_reader(user: CurrentUser, request: Request) -> User:
    """The common dependency of every case-data router: the caller and the case of the URL go into the log
    context (before any refusal, so a refused request is logged with its actor), then admin is refused."""
    bind(actor=user.user_id)
    case_id = request.path_params.get("case_id")
    if isinstance(case_id, str):
        bind(case_id=case_id)
    if user.role == Role.ADMIN:
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, ADMIN_SEES_NO_CASES)
    return user


def masked_id(number: str | None) -> str | None:
    return None if number is None else mask_id(number)


def masked_phone(phone: str | None) -> str | None:
    return None if phone is None else mask_phone(phone)


def mask_record(value: Any) -> Any:
    """A JSON-like value (a history row's ``data``) with personal data masked: an ``id_number`` or a
    ``phone`` field by its mask, any other text with the ID and mobile numbers in it masked (comments and
    reasons are free text). The stored value is not touched: a copy is returned."""
    if isinstance(value, dict):
        return {key: _mask_field(str(key), item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_record(item) for item in value]
    if isinstance(value, str):
        return redact(value)
    return value


def _mask_field(key: str, value: Any) -> Any:
    if isinstance(value, str) and key == "id_number":
        return mask_id(value)
    if isinstance(value, str) and key == "phone":
        return mask_phone(value)
    return mask_record(value)
