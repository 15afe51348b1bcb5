"""The ledger (台账) and the half-year report as workbooks formatted for printing: column widths, a frozen header
repeated on every printed page, a totals row, A4 landscape fitted to the page's width. Money in yuan with two
decimals (exact: from integer fen), dates in Asia/Shanghai."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from db.cases import ListedCase, from_fen
from db.reports import ClearToZeroFigures, rate
from models.case import DEADLINE_ZH, STAGE_ZH, DeadlineKind, DeadlineStatus, Stage
from models.clock import SHANGHAI, to_shanghai
from models.notices import NOTICE_TITLES, NoticeKind
from rules.deadlines import effective_status

MONEY = "#,##0.00"
THIN = Side(style="thin", color="999999")
STATUS_ZH = {
    DeadlineStatus.PENDING: "进行中",
    DeadlineStatus.MET: "按期完成",
    DeadlineStatus.MET_LATE: "逾期完成",
    DeadlineStatus.OVERDUE: "已逾期",
    DeadlineStatus.CANCELLED: "已取消",
}
CLEAR_KINDS = (
    DeadlineKind.CLEAR_3_MONTHS,
    DeadlineKind.CLEAR_YEAR_END,
    DeadlineKind.CLEAR_BEFORE_NEW_YEAR,
    DeadlineKind.CLEAR_BEFORE_SPRING_FESTIVAL,
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    """The last day included."""

    @property
    def label(self) -> str:
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"

    def instants(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00) in Asia/Shanghai."""
        start = datetime(self.start.year, self.start.month, self.start.day, tzinfo=SHANGHAI)
        after = self.end + timedelta(days=1)
        return start, datetime(after.year, after.month, after.day, tzinfo=SHANGHAI)


def half_year(text: str) -> tuple[int, int]:
    """``2026H1`` → (2026, 1): the half years end on 06-30 and 12-31."""
    cleaned = text.strip().upper()
    if len(cleaned) != 6 or cleaned[4] != "H" or cleaned[5] not in "12" or not cleaned[:4].isdigit():
        raise ValueError(f"半年度应写作 2026H1（上半年，至6月30日）或 2026H2（下半年，至12月31日）：{text}")
    return int(cleaned[:4]), int(cleaned[5])


def half_year_period(year: int, half: int) -> Period:
    return Period(date(year, 1, 1), date(year, 6, 30)) if half == 1 else Period(date(year, 7, 1), date(year, 12, 31))


def _sheet_setup(sheet: Any, title: str, widths: Sequence[int], header_row: int) -> None:
    sheet.title = title
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def _heading(sheet: Any, title: str, subtitle: str, columns: int) -> None:
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.append([subtitle])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    sheet.cell(row=2, column=1).alignment = Alignment(horizontal="center")


def _header(sheet: Any, row: int, headers: Sequence[str]) -> None:
    sheet.append(list(headers))
    for i in range(1, len(headers) + 1):
        cell = sheet.cell(row=row, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)


def _body_style(sheet: Any, first: int, last: int, columns: int, money: Sequence[int]) -> None:
    for row in sheet.iter_rows(min_row=first, max_row=last, max_col=columns):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            if cell.column in money:
                cell.number_format = MONEY


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ ledger

LEDGER_HEADERS = (
    "序号",
    "案件编号",
    "收到投诉日期",
    "行政区划",
    "用人单位",
    "统一社会信用代码",
    "项目",
    "劳动者人数",
    "欠薪金额（元）",
    "已支付（元）",
    "未支付（元）",
    "办理阶段",
    "期限及状态",
    "已制作文书",
)
LEDGER_WIDTHS = (6, 22, 12, 10, 28, 21, 22, 8, 14, 14, 14, 10, 44, 44)
LEDGER_MONEY = (9, 10, 11)


def _deadlines(listed: ListedCase, today: date) -> str:
    lines = []
    for d in listed.state.deadlines:
        status = effective_status(d, today)
        lines.append(f"{DEADLINE_ZH.get(d.kind, d.kind.value)}：{d.due:%Y-%m-%d} {STATUS_ZH.get(status, status.value)}")
    return "\n".join(lines)


def _documents(listed: ListedCase) -> str:
    lines = []
    for n in listed.state.notices:
        try:
            title = NOTICE_TITLES[NoticeKind(n.kind)]
        except (ValueError, KeyError):
            title = n.kind
        lines.append(f"{title} {n.doc_number}（{to_shanghai(n.issued_at):%Y-%m-%d}）")
    return "\n".join(lines)


def ledger(cases: Sequence[ListedCase], region: str, period: Period, today: date) -> bytes:
    """One row per case received in the period, oldest first, and a totals row."""
    book = Workbook()
    sheet = book.active
    columns = len(LEDGER_HEADERS)
    _heading(sheet, "拖欠农民工工资案件台账", f"行政区划 {region}　收到投诉：{period.label}", columns)
    _header(sheet, 3, LEDGER_HEADERS)
    for i, listed in enumerate(cases, start=1):
        s = listed.state
        owed, paid, outstanding = listed.totals()
        sheet.append(
            [
                i,
                s.case_number or "（未立案）",
                f"{to_shanghai(s.received_at):%Y-%m-%d}",
                s.region_code,
                s.employer.name,
                s.employer.uscc,
                s.project.name if s.project else "",
                listed.worker_count,
                owed,
                paid,
                outstanding,
                STAGE_ZH.get(Stage(s.stage), s.stage.value),
                _deadlines(listed, today),
                _documents(listed),
            ]
        )
    last = 3 + len(cases)
    total = [sum((c.totals()[k] for c in cases), Decimal("0.00")) for k in range(3)]
    sheet.append(
        ["合计", f"{len(cases)} 件", "", "", "", "", "", sum(c.worker_count for c in cases), *total, "", "", ""]
    )
    for cell in sheet[last + 1]:
        cell.font = Font(bold=True)
    _body_style(sheet, 4, last + 1, columns, LEDGER_MONEY)
    _sheet_setup(sheet, "台账", LEDGER_WIDTHS, 3)
    return _save(book)


# ------------------------------------------------------------------------------------------------ half year

HALF_YEAR_HEADERS = (
    "行政区划",
    "收到投诉（件）",
    "不予受理（件）",
    "在办（件）",
    "已清零（件）",
    "清零率",
    "欠薪金额（元）",
    "已支付（元）",
    "未支付（元）",
    *(f"{DEADLINE_ZH[k]}按期（件/应计）" for k in CLEAR_KINDS),
)
HALF_YEAR_WIDTHS = (12, 10, 10, 10, 10, 9, 16, 16, 16, 16, 16, 16, 16)
HALF_YEAR_MONEY = (7, 8, 9)
RATE_NOTE = "说明：清零率 = 已清零 ÷（收到投诉 − 不予受理）；按期 = 该清零期限按期完成的案件数 / 有该期限的案件数。"


def _rate(part: int, whole: int) -> str:
    r = rate(part, whole)
    return "—" if r is None else f"{r * 100:.2f}%"


def _figures_row(label: str, f: ClearToZeroFigures) -> list[Any]:
    handled = f.received - f.rejected
    return [
        label,
        f.received,
        f.rejected,
        f.still_open,
        f.cleared_total,
        _rate(f.cleared_total, handled),
        from_fen(f.owed_fen),
        from_fen(f.paid_fen),
        from_fen(f.outstanding_fen),
        *(f"{f.met[k]}/{f.counted[k]}" for k in CLEAR_KINDS),
    ]


def half_year_report(
    by_region: Sequence[tuple[str, ClearToZeroFigures]], total: ClearToZeroFigures, region: str, period: Period
) -> bytes:
    """The 清零 figures of the cases received in the half year, one row per county and the whole region's."""
    book = Workbook()
    sheet = book.active
    columns = len(HALF_YEAR_HEADERS)
    _heading(sheet, "根治欠薪“三个清零”半年报", f"行政区划 {region}　统计期：{period.label}（按收到投诉日期）", columns)
    _header(sheet, 3, HALF_YEAR_HEADERS)
    for code, figures in by_region:
        sheet.append(_figures_row(code, figures))
    sheet.append(_figures_row("合计", total))
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    _body_style(sheet, 4, last, columns, HALF_YEAR_MONEY)
    sheet.append([])
    sheet.append(
        ["说明：清零率 = 已清零 ÷（收到投诉 − 不予受理）；按期 = 该清零期限按期完成的案件数 / 有该期限的案件数。"]
    )
    _sheet_setup(sheet, "半年报", HALF_YEAR_WIDTHS, 3)
    return _save(book)
