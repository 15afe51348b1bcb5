"""Valid identifiers and request bodies for the benchmarks (check characters computed, not copied).

A copy of what the benchmarks need from tests/builders.py: bench/ never imports tests/."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from models.clock import SHANGHAI

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
REGION = "140105"
WORKERS = 2
OWED = "12000.00"


def make_uscc(serial: int = 1, region: str = REGION) -> str:
    """A valid USCC (GB 32100-2015) for an enterprise (91) in ``region``."""
    body = f"91{region}MA{serial:07d}"[:17]
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def make_id(serial: int = 1, region: str = REGION, born: date = date(1985, 3, 14)) -> str:
    """A valid resident ID number (GB 11643-1999)."""
    body = f"{region}{born:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def intake_body(workers: int = WORKERS, region: str = REGION) -> dict[str, Any]:
    """An intake received two hours ago, so no deadline of the fresh case has passed."""
    return {
        "received_at": (datetime.now(SHANGHAI) - timedelta(hours=2)).isoformat(timespec="seconds"),
        "channel": "hotline",
        "region_code": region,
        "employer": {
            "name": "太原市某建筑劳务有限公司",
            "uscc": make_uscc(1, region),
            "legal_representative": "王某某",
            "address": "太原市小店区某路1号",
        },
        "project": {
            "name": "小店区某住宅项目",
            "general_contractor": {"name": "某建设集团有限公司", "uscc": make_uscc(2, region)},
            "construction_unit": {"name": "某置业有限公司", "uscc": make_uscc(3, region)},
        },
        "complainant": {"name": "张三", "id_number": make_id(1, region), "phone": "13812345678"},
        "workers": [
            {
                "name": f"工人{i}",
                "id_number": make_id(i, region),
                "phone": "13900000000",
                "owed_amount": OWED,
                "owed_from": "2026-06-01",
                "owed_to": "2026-09-30",
            }
            for i in range(1, workers + 1)
        ],
        "description": "拖欠2026年6月至9月工资",
        "major": False,
    }


def finding_body(workers: int = WORKERS) -> dict[str, Any]:
    return {"workers": [{"id_number": make_id(i), "confirmed_amount": OWED} for i in range(1, workers + 1)]}


def order_body() -> dict[str, Any]:
    due = datetime.now(SHANGHAI).date() + timedelta(days=10)
    return {"due_date": due.isoformat(), "addressee": "employer"}


def service_body(notice_id: str) -> dict[str, Any]:
    served = datetime.now(SHANGHAI)  # after the order was issued, and not in the future when checked
    return {"notice_id": notice_id, "served_at": served.isoformat(), "method": "direct", "recipient": "王某某"}


def payment_body(workers: int = WORKERS) -> dict[str, Any]:
    paid = datetime.now(SHANGHAI).isoformat()
    return {"payments": [{"id_number": make_id(i), "amount": OWED, "paid_at": paid} for i in range(1, workers + 1)]}
