"""Official notices (执法文书): kinds, issuers and what a template receives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel


class NoticeKind(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理通知书
    REJECTION = "rejection"  # 不予受理通知书
    PAYMENT_ORDER = "payment_order"  # 责令限期支付指令书
    CLOSING = "closing"  # 结案通知书


NOTICE_TITLES: dict[NoticeKind, str] = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.REJECTION: "不予受理通知书",
    NoticeKind.PAYMENT_ORDER: "责令限期支付指令书",
    NoticeKind.CLOSING: "结案通知书",
}

# Type abbreviation inside the document number, e.g. 小人社监令〔2026〕15号.
DOC_TYPE_ABBR: dict[NoticeKind, str] = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.REJECTION: "不受",
    NoticeKind.PAYMENT_ORDER: "令",
    NoticeKind.CLOSING: "结",
}


class Bureau(BaseModel):
    """The issuing labour inspection body for a region."""

    name: str
    abbr: str
    region_code: str
    address: str = ""
    phone: str = ""


def format_doc_number(abbr: str, doc_type: str, year: int, seq: int) -> str:
    return f"{abbr}{doc_type}〔{year}〕{seq}号"


class NoticeWorkerLine(BaseModel):
    name: str
    id_masked: str
    amount: Decimal


class NoticeContext(BaseModel):
    """Everything a template prints; plain data, PII already masked."""

    kind: NoticeKind
    title: str
    bureau_name: str
    doc_number: str
    addressee: str
    case_number: str | None = None
    issued_on: date
    paragraphs: list[str]
    legal_basis: list[str]
    workers: list[NoticeWorkerLine] = []
    total_amount: Decimal | None = None
    due: date | None = None
    rights: list[str] = []
    contact: str = ""
