"""`qingling grids load FILE.csv` (docs/routing.md): the grids, their codes and inspectors, validated whole —
every problem reported by row, column and reason, nothing loaded unless the file is right."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.grids import GridRow
from db.users import User, user_by_name
from models.case import Role

HEADERS = ("网格编号", "网格名称", "覆盖区划代码", "负责监察员", "代理监察员")
CODE = re.compile(r"^\d{6}(\d{3})?$")
SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}：{self.reason}" if self.column else f"第{self.row}行：{self.reason}"


async def _inspector(session: AsyncSession, name: str, codes: list[str]) -> tuple[User | None, str | None]:
    user = await user_by_name(session, name)
    if user is None:
        return None, f"没有名为 {name} 的用户"
    if user.role != Role.INSPECTOR:
        return None, f"{name} 不是监察员"
    outside = [c for c in codes if not user.covers(c[:6])]
    if outside:
        return None, f"{name} 的辖区不含 {'、'.join(outside)}"
    return user, None


async def parse_grids(session: AsyncSession, text: str) -> tuple[list[GridRow], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [h for h in HEADERS[:4] if h not in (reader.fieldnames or [])]
    if missing:
        return [], [Problem(1, "", f"缺少列：{'、'.join(missing)}（应为 {','.join(HEADERS)}）")]
    rows: list[GridRow] = []
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    for number, line in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in line.items() if k}
        grid_id, name = values.get("网格编号", ""), values.get("网格名称", "")
        codes = [c for c in SPLIT.split(values.get("覆盖区划代码", "")) if c]
        found: list[Problem] = []
        if not grid_id:
            found.append(Problem(number, "网格编号", "不能为空"))
        elif grid_id in seen_ids:
            found.append(Problem(number, "网格编号", f"与第{seen_ids[grid_id]}行重复"))
        if not name:
            found.append(Problem(number, "网格名称", "不能为空"))
        if not codes:
            found.append(Problem(number, "覆盖区划代码", "至少一个（6位县级或9位乡级代码）"))
        for code in codes:
            if not CODE.match(code):
                found.append(Problem(number, "覆盖区划代码", f"{code} 应为6位或9位数字"))
            elif code in seen_codes:
                found.append(Problem(number, "覆盖区划代码", f"{code} 已属于第{seen_codes[code]}行的网格"))
        inspector, why = await _inspector(session, values.get("负责监察员", ""), codes)
        if why:
            found.append(Problem(number, "负责监察员", why))
        deputy = None
        if values.get("代理监察员"):
            deputy, why = await _inspector(session, values["代理监察员"], codes)
            if why:
                found.append(Problem(number, "代理监察员", why))
            elif deputy is not None and inspector is not None and deputy.user_id == inspector.user_id:
                found.append(Problem(number, "代理监察员", "不能与负责监察员相同"))
        seen_ids.setdefault(grid_id, number)
        for code in codes:
            seen_codes.setdefault(code, number)
        problems += found
        if not found and inspector is not None:
            rows.append(GridRow(grid_id, name, inspector.user_id, deputy.user_id if deputy else None, codes))
    return rows, problems
