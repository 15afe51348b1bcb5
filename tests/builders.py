"""Builders for valid identifiers and intake bodies (check characters computed, not copied)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from models.clock import SHANGHAI

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_uscc(serial: int = 1, region: str = "140105") -> str:
    """A valid USCC (GB 32100-2015) for an enterprise (91) in ``region``."""
    body = f"91{region}MA{serial:07d}"[:17]
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total % 31) % 31]


def make_id(serial: int = 1, region: str = "140105", born: date = date(1985, 3, 14)) -> str:
    """A valid resident ID number (GB 11643-1999)."""
    body = f"{region}{born:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def intake_body(workers: int = 2, region: str = "140105", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        # two hours ago, so no deadline of a fresh case has passed whatever day the tests run
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
                "owed_amount": "12000.00",
                "owed_from": "2026-06-01",
                "owed_to": "2026-09-30",
            }
            for i in range(1, workers + 1)
        ],
        "description": "拖欠2026年6月至9月工资",
        "major": False,
    }
    body.update(overrides)
    return body


# A year no release of chinesecalendar will know; the schedule is fictitious (测试用，非官方).
FICTITIOUS_2099 = {
    "year": 2099,
    "source": "测试用虚构安排（非官方）",
    "holidays": [{"name": "元旦", "dates": ["2099-01-01"]}],
    "workdays": [],
}
