"""Workbooks for the exchange tests: rows as the template's columns, a realistic file of many complaints."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from openpyxl import Workbook

from api.exchange.complaints_sheet import COLUMNS
from models.clock import SHANGHAI
from tests.builders import make_id, make_uscc

LONG_NAME = "欧阳" + "某" * 28  # 30 characters, as the realistic field lengths


def row(employer: int = 1, worker: int = 1, project: str = "小店区某住宅项目", **changes: Any) -> dict[str, Any]:
    received = (datetime.now(SHANGHAI) - timedelta(hours=3)).replace(microsecond=0, tzinfo=None)
    values: dict[str, Any] = {
        "employer_name": f"太原市第{employer}建筑劳务有限公司",
        "employer_uscc": make_uscc(employer, "140105"),
        "project_name": project,
        "region_code": "140105",
        "received_at": received,
        "channel": "12333 热线",
        "complainant_name": "张三",
        "complainant_id_number": "",
        "complainant_phone": "13812345678",
        "worker_name": f"工人{worker}",
        "worker_id_number": make_id(worker, "140105"),
        "worker_phone": "13900000000",
        "owed_amount": "8600.00",
        "owed_from": "2026-09-01",
        "owed_to": "2026-10-31",
        "description": "拖欠2026年9月至10月工资",
    }
    values.update(changes)
    return values


def workbook(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers or [c.header for c in COLUMNS])
    for values in rows:
        sheet.append([values.get(c.key) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def realistic(complaints: int = 40, workers: int = 50) -> list[dict[str, Any]]:
    """``complaints`` × ``workers`` rows: long names, phones, amounts with fen, interleaved as an export would be."""
    rows = []
    for w in range(1, workers + 1):
        for c in range(1, complaints + 1):
            amount = f"{3000 + 37 * w + c}.{(w * 7 + c) % 100:02d}"
            rows.append(
                row(
                    employer=c,
                    worker=c * 1000 + w,
                    employer_name=f"太原市第{c}建筑劳务有限公司" + "某" * 10,
                    worker_name=LONG_NAME[:29] + str(w % 10),
                    owed_amount=amount,
                )
            )
    return rows
