"""The complainant's query code (查询码): printed on the 受理通知书, it lets the complainant follow the case without
an account (api/routes/follow.py). Random, never stored: only its SHA-256 is kept, in the case's row."""

from __future__ import annotations

import hashlib
import re
import secrets

from pydantic import BaseModel, Field

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is not misread."""
LENGTH = 12
"""60 bits: guessing one code among a million cases at the rate limit would take longer than any case lasts."""
_TYPED = {"I": "1", "L": "1", "O": "0"}


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(typed: str) -> str:
    """What a person typed, as the code: case, spaces and dashes ignored; I/L read as 1, O as 0."""
    cleaned = re.sub(r"[\s\-－—]", "", typed).upper()
    return "".join(_TYPED.get(ch, ch) for ch in cleaned)


def code_digest(typed: str) -> str:
    return hashlib.sha256(normalise(typed).encode()).hexdigest()


class FollowRequest(BaseModel):
    code: str = Field(min_length=1, max_length=40, description="受理通知书上的查询码，如 7K3M-Q9XD-2R4T")
    phone_last4: str = Field(pattern=r"^\d{4}$", description="投诉时登记的手机号码后四位")


class FollowDocument(BaseModel):
    title: str
    issued_on: str = Field(description="制作日期（YYYY-MM-DD）")


class FollowStatus(BaseModel):
    """What the complainant sees: nothing about any other person."""

    received_on: str
    stage: str = Field(description="办理阶段（白话）")
    next_step: str | None = Field(description="下一步")
    next_due: str | None = Field(description="下一步的法定期限（YYYY-MM-DD）")
    documents: list[FollowDocument]
    recovered: str = Field(description="已追回工资合计（元）")
    bureau: str
