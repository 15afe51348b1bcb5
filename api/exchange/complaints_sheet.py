"""Complaints from a spreadsheet (12333 hotline exports, the national clue platform): one row per worker, grouped
into complaints by the employer's USCC and the project. Pure: a workbook in, complaints and row errors out; the
template and the error sheet out. Nothing here starts a case (api/exchange/importer.py does)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from models.case import MAX_WORKERS, CaseIntake, Channel
from models.clock import SHANGHAI

SHEET_TITLE = "投诉登记"
ERROR_SHEET_TITLE = "错误清单"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    width: int
    example: str
    note: str
    text: bool = False
    """Stored as text in the template (an 18-digit number loses its last digits as an Excel number)."""


COLUMNS: tuple[Column, ...] = (
    Column("用人单位名称", "employer_name", 30, "太原市某建筑劳务有限公司", "必填；同一投诉各行一致"),
    Column("统一社会信用代码", "employer_uscc", 22, "", "必填，18位；与项目名称一起确定同一投诉", text=True),
    Column("项目名称", "project_name", 26, "小店区某住宅项目", "选填；同一单位不同项目为不同投诉"),
    Column("行政区划代码", "region_code", 14, "140105", "必填，6位（项目所在县区）", text=True),
    Column("收到投诉时间", "received_at", 20, "2026-11-20 09:30", "必填；日期或日期时间（北京时间）"),
    Column("投诉渠道", "channel", 14, "12333 热线", "12333 热线、网站、来访、来信、平台转办、日常巡查"),
    Column("投诉人姓名", "complainant_name", 12, "张三", "必填；同一投诉各行一致"),
    Column("投诉人身份证号码", "complainant_id_number", 22, "", "选填", text=True),
    Column("投诉人手机号码", "complainant_phone", 16, "13812345678", "选填", text=True),
    Column("劳动者姓名", "worker_name", 12, "李四", "必填；每行一名劳动者"),
    Column("劳动者身份证号码", "worker_id_number", 22, "", "必填，18位，校验位须正确", text=True),
    Column("劳动者手机号码", "worker_phone", 16, "13900000000", "选填", text=True),
    Column("欠薪金额（元）", "owed_amount", 14, "8600.00", "必填，大于0，至多两位小数"),
    Column("欠薪起始日期", "owed_from", 14, "2026-09-01", "必填"),
    Column("欠薪截止日期", "owed_to", 14, "2026-10-31", "必填，不晚于收到投诉的日期"),
    Column("情况说明", "description", 40, "拖欠2026年9月至10月工资", "选填；同一投诉取第一行"),
)
BY_HEADER = {c.header: c for c in COLUMNS}
BY_KEY = {c.key: c for c in COLUMNS}
CHANNELS: dict[str, Channel] = {
    "12333 热线": Channel.HOTLINE,
    "12333热线": Channel.HOTLINE,
    "电话": Channel.HOTLINE,
    "热线": Channel.HOTLINE,
    "网站": Channel.WEBSITE,
    "网上投诉": Channel.WEBSITE,
    "来访": Channel.WALK_IN,
    "来信": Channel.LETTER,
    "平台转办": Channel.PLATFORM_REFERRAL,
    "线索平台": Channel.PLATFORM_REFERRAL,
    "日常巡查": Channel.INSPECTION,
    **{c.value: c for c in Channel},
}
GROUP_FIELDS = (
    "employer_name",
    "region_code",
    "received_at",
    "channel",
    "complainant_name",
    "complainant_id_number",
    "complainant_phone",
)
"""What every row of one complaint must repeat alike (the first row's description is the complaint's)."""
WORKER_FIELDS = {
    "name": "worker_name",
    "id_number": "worker_id_number",
    "phone": "worker_phone",
    "owed_amount": "owed_amount",
    "owed_from": "owed_from",
    "owed_to": "owed_to",
}
INTAKE_FIELDS = {
    ("received_at",): "received_at",
    ("channel",): "channel",
    ("region_code",): "region_code",
    ("employer", "name"): "employer_name",
    ("employer", "uscc"): "employer_uscc",
    ("project", "name"): "project_name",
    ("complainant", "name"): "complainant_name",
    ("complainant", "id_number"): "complainant_id_number",
    ("complainant", "phone"): "complainant_phone",
    ("description",): "description",
}
SHEET_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
SHEET_DATETIME = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
SHEET_AMOUNT = re.compile(r"^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*元?$")


class SheetError(ValueError):
    """The file cannot be read as the template at all (not a workbook, missing headers): nothing is imported."""


@dataclass(frozen=True)
class RowError:
    row: int
    """The row number as Excel shows it (the header is row 1)."""
    column: str
    """The column's Chinese header, or "" for the row as a whole."""
    reason: str


@dataclass
class Complaint:
    """One complaint of the file: its rows (Excel row numbers, in order), its intake if valid, its content key."""

    employer_uscc: str
    project_name: str
    rows: list[int]
    values: list[dict[str, Any]]
    intake: CaseIntake | None = None
    content_key: str = ""
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ParsedSheet:
    complaints: list[Complaint]
    errors: list[RowError]
    """Every problem of the file, by row (a complaint with any is not imported)."""
    rows: int
    """Data rows read (blank rows not counted)."""
    headers: list[str]
    raw: dict[int, list[Any]]
    """Each data row's cells as read, for the error sheet."""

    @property
    def valid(self) -> list[Complaint]:
        return [c for c in self.complaints if c.intake is not None]


# ------------------------------------------------------------------------------------------------ cell values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    found = SHEET_DATE.match(text)
    if found:
        y, m, d = (int(g) for g in found.groups())
        return f"{y:04d}-{m:02d}-{d:02d}"
    return text


def _moment(value: Any) -> str:
    """A received time: a date alone is that day's start, Asia/Shanghai; a time without a zone is Shanghai's."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
        return moment.isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time(0), SHANGHAI).isoformat()
    text = _text(value)
    found = SHEET_DATETIME.match(text)
    if found:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in found.groups())
        return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI).isoformat()
    day = SHEET_DATE.match(text)
    if day:
        y, mo, d = (int(g) for g in day.groups())
        return datetime(y, mo, d, tzinfo=SHANGHAI).isoformat()
    return text


def _amount(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    text = _text(value)
    found = SHEET_AMOUNT.match(text)
    if found:
        return found.group(1).replace(",", "") + (found.group(2) or "")
    return text


def _identifier(value: Any, header: str) -> tuple[str, str | None]:
    """An ID number or a code typed as an Excel number has lost digits: say so instead of a wrong check digit."""
    if isinstance(value, float) and value >= 1e15:
        return "", f"{header}被 Excel 存成了数字，末几位已丢失：请把该列设为文本格式后重新填写"
    return _text(value), None


def _channel(value: Any) -> str:
    text = _text(value)
    found = CHANNELS.get(text) or CHANNELS.get(text.replace(" ", ""))
    return found.value if found is not None else text


# ------------------------------------------------------------------------------------------------ reading


def read_workbook(data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header row and the non-blank data rows (with their Excel row numbers) of the first sheet."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise SheetError("无法读取该文件：请上传按模板填写的 Excel 工作簿（.xlsx）") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [c.header for c in COLUMNS if c.header not in header]
    if missing:
        raise SheetError(f"第1行缺少列：{'、'.join(missing)}（请使用 docs/complaints-template.xlsx 模板）")
    data_rows: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows, start=2):
        cells = list(row)
        if any(_text(v) for v in cells):
            data_rows.append((number, cells))
    book.close()
    return header, data_rows


def _values(header: list[str], cells: list[Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A row's values by key, normalised for the intake's validation, and problems found reading the cells."""
    raw = {BY_HEADER[h].key: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h in BY_HEADER}
    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for key, value in raw.items():
        column = BY_KEY[key]
        if key in ("employer_uscc", "worker_id_number", "complainant_id_number", "complainant_phone", "worker_phone"):
            out[key], problem = _identifier(value, column.header)
            if problem:
                problems.append((column.header, problem))
        elif key in ("owed_from", "owed_to"):
            out[key] = _date(value)
        elif key == "received_at":
            out[key] = _moment(value)
        elif key == "owed_amount":
            out[key] = _amount(value)
        elif key == "channel":
            out[key] = _channel(value)
        else:
            out[key] = _text(value)
    return out, problems


def _intake_body(values: list[dict[str, Any]]) -> dict[str, Any]:
    first = values[0]

    def opt(key: str) -> str | None:
        return first.get(key) or None

    body: dict[str, Any] = {
        "received_at": first.get("received_at", ""),
        "channel": first.get("channel", ""),
        "region_code": first.get("region_code", ""),
        "employer": {"name": first.get("employer_name", ""), "uscc": first.get("employer_uscc", "")},
        "complainant": {
            "name": first.get("complainant_name", ""),
            "id_number": opt("complainant_id_number"),
            "phone": opt("complainant_phone"),
        },
        "workers": [
            {
                "name": v.get("worker_name", ""),
                "id_number": v.get("worker_id_number", ""),
                "phone": v.get("worker_phone") or None,
                "owed_amount": v.get("owed_amount", ""),
                "owed_from": v.get("owed_from", ""),
                "owed_to": v.get("owed_to", ""),
            }
            for v in values
        ],
        "description": first.get("description", ""),
    }
    if first.get("project_name"):
        body["project"] = {"name": first["project_name"]}
    return body


def _message(error: Any) -> str:
    ctx = error.get("ctx") or {}
    if "error" in ctx:
        return str(ctx["error"])
    return str(error.get("msg", "格式不正确"))


def _place(loc: Sequence[Any], complaint: Complaint) -> list[tuple[int, str]]:
    """(row, column header) of a validation error's location: a worker's field on that worker's row; a field of
    the complaint on each of its rows (each row carries it)."""
    if len(loc) >= 2 and loc[0] == "workers" and isinstance(loc[1], int):
        key = WORKER_FIELDS.get(str(loc[2])) if len(loc) > 2 else None
        return [(complaint.rows[loc[1]], BY_KEY[key].header if key else "")]
    key = INTAKE_FIELDS.get(tuple(str(p) for p in loc[:2])) or INTAKE_FIELDS.get((str(loc[0]),)) if loc else None
    header = BY_KEY[key].header if key else ""
    return [(row, header) for row in complaint.rows]


def content_key(intake: CaseIntake) -> str:
    """The complaint's content, canonical and order-free (workers sorted by ID number): the same complaint in any
    file, any row order, has the same key."""
    data = intake.model_dump(mode="json")
    data["workers"] = sorted(data["workers"], key=lambda w: w["id_number"])
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse(data: bytes, now: datetime) -> ParsedSheet:
    """The file's complaints, each validated as ``POST /cases`` validates an intake, and every problem by row."""
    header, data_rows = read_workbook(data)
    groups: dict[tuple[str, str], Complaint] = {}
    errors: list[RowError] = []
    raw: dict[int, list[Any]] = {}
    for number, cells in data_rows:
        raw[number] = cells
        values, problems = _values(header, cells)
        key = (str(values.get("employer_uscc", "")).upper(), str(values.get("project_name", "")))
        complaint = groups.setdefault(key, Complaint(key[0], key[1], [], []))
        complaint.rows.append(number)
        complaint.values.append(values)
        complaint.errors += [RowError(number, h, reason) for h, reason in problems]
    for complaint in groups.values():
        _check(complaint, now)
        errors += complaint.errors
    errors.sort(key=lambda e: (e.row, e.column))
    return ParsedSheet(list(groups.values()), errors, len(data_rows), header, raw)


def _check(complaint: Complaint, now: datetime) -> None:
    first = complaint.values[0]
    for number, values in zip(complaint.rows[1:], complaint.values[1:], strict=True):
        for key in GROUP_FIELDS:
            if values.get(key, "") != first.get(key, ""):
                header = BY_KEY[key].header
                complaint.errors.append(
                    RowError(number, header, f"同一单位和项目的各行{header}应一致（第{complaint.rows[0]}行为准）")
                )
    if len(complaint.rows) > MAX_WORKERS:
        complaint.errors += [
            RowError(n, "", f"同一单位和项目的劳动者超过 {MAX_WORKERS} 人：请按项目或批次拆分") for n in complaint.rows
        ]
    seen: dict[str, int] = {}
    for number, values in zip(complaint.rows, complaint.values, strict=True):
        number_id = str(values.get("worker_id_number", ""))
        if number_id and number_id in seen:
            header = BY_KEY["worker_id_number"].header
            complaint.errors.append(
                RowError(number, header, f"与第{seen[number_id]}行是同一名劳动者（身份证号码重复）")
            )
        seen.setdefault(number_id, number)
    if len(complaint.rows) <= MAX_WORKERS:  # every problem at once, not only the first kind found
        named = {(e.row, e.column) for e in complaint.errors}  # a cell already explained keeps its reason
        try:
            intake = CaseIntake.model_validate(_intake_body(complaint.values))
        except ValidationError as exc:
            for error in exc.errors():
                if error["loc"] == () and "重复" in _message(error):
                    continue  # a repeated worker: named on its row above
                for number, header in _place(error["loc"], complaint):
                    if (number, header) not in named:
                        complaint.errors.append(RowError(number, header, _message(error)))
        else:
            for loc, message in intake.dated_errors(now):
                for number, header in _place(loc, complaint):
                    complaint.errors.append(RowError(number, header, message))
            if not complaint.errors:
                complaint.intake = intake
                complaint.content_key = content_key(intake)
    if complaint.errors:
        bad = {e.row for e in complaint.errors}
        first_bad = min(bad)
        complaint.errors += [
            RowError(n, "", f"同一投诉的第{first_bad}行有错误，本投诉未导入") for n in complaint.rows if n not in bad
        ]


# ------------------------------------------------------------------------------------------------ writing


def _style_header(sheet: Worksheet, widths: Iterable[int]) -> None:
    for i, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


EXAMPLE_USCC = "91140105MA0000001E"
EXAMPLE_ID = "140105198503140019"
"""Fictitious, with correct check characters (the example row must pass the import's checks)."""


def template(example_uscc: str = EXAMPLE_USCC, example_id: str = EXAMPLE_ID) -> bytes:
    """The import template: the headers in Chinese, one example row, and a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append([c.header for c in COLUMNS])
    examples = {"employer_uscc": example_uscc, "worker_id_number": example_id}
    sheet.append([examples.get(c.key, c.example) for c in COLUMNS])
    _style_header(sheet, (c.width for c in COLUMNS))
    for i, column in enumerate(COLUMNS, start=1):
        if column.text:
            letter = sheet.cell(row=1, column=i).column_letter
            for row in range(2, 2002):
                sheet[f"{letter}{row}"].number_format = "@"
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for column in COLUMNS:
        notes.append([column.header, column.note])
    notes.append(["", "每行一名劳动者；统一社会信用代码和项目名称相同的行为同一投诉；同一文件重复导入不会重复立案。"])
    _style_header(notes, (22, 80))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_sheet(parsed: ParsedSheet) -> bytes:
    """The rows with problems: 行号, 列, 原因, then the row as it was read (one line per problem)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ERROR_SHEET_TITLE
    sheet.append(["行号", "列", "原因", *parsed.headers])
    for error in parsed.errors:
        cells = parsed.raw.get(error.row, [])
        sheet.append([error.row, error.column or "（整行）", error.reason, *(_text(c) for c in cells)])
    _style_header(sheet, [8, 18, 50, *(BY_HEADER[h].width if h in BY_HEADER else 14 for h in parsed.headers)])
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
