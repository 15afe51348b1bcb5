"""Reading complaints from a spreadsheet (pure): grouping by USCC and project, every problem by row, column and
reason, the error sheet, the shipped template."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from api.exchange.complaints_sheet import COLUMNS, SheetError, error_sheet, parse
from tests.builders import make_id
from tests.exchange.sheets import realistic, row, workbook

NOW = datetime.now(UTC)
ROOT = Path(__file__).resolve().parents[2]


def test_rows_are_grouped_by_employer_and_project() -> None:
    rows = [row(1, 1), row(1, 2), row(2, 3), row(1, 4, project="另一个项目"), row(1, 5)]
    parsed = parse(workbook(rows), NOW)
    assert parsed.errors == [] and parsed.rows == 5
    groups = {(c.employer_uscc[-4:], c.project_name): c.rows for c in parsed.complaints}
    assert sorted(groups.values()) == [[2, 3, 6], [4], [5]]
    assert all(c.intake is not None and c.content_key for c in parsed.complaints)
    first = next(c for c in parsed.complaints if c.rows == [2, 3, 6])
    assert first.intake is not None and [w.name for w in first.intake.workers] == ["工人1", "工人2", "工人5"]


def test_the_content_key_ignores_row_order() -> None:
    a = parse(workbook([row(1, 1), row(1, 2)]), NOW).complaints[0]
    b = parse(workbook([row(1, 2), row(1, 1)]), NOW).complaints[0]
    c = parse(workbook([row(1, 1), row(1, 2, owed_amount="8600.01")]), NOW).complaints[0]
    assert a.content_key == b.content_key != c.content_key


def test_every_problem_is_named_by_row_column_and_reason() -> None:
    good = make_id(2, "140105")
    wrong_check_digit = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        row(1, 1),
        row(1, 2, worker_id_number=wrong_check_digit),  # row 3
        row(1, 4, employer_name="另一家公司"),  # row 4: inconsistent within the complaint
        row(2, 5),
        row(2, 5),  # row 6: the same worker twice
        row(3, 6, worker_id_number=float(make_id(6, "140105")[:17] + "0")),  # row 7: an ID typed as a number
        row(4, 7, owed_amount="-5"),  # row 8
        row(5, 8, owed_to="2099-01-01"),  # row 9: after the complaint was received
        row(6, 9),  # row 10: fine
    ]
    parsed = parse(workbook(rows), NOW)
    found = {(e.row, e.column) for e in parsed.errors}
    assert (3, "劳动者身份证号码") in found
    assert (4, "用人单位名称") in found
    assert (6, "劳动者身份证号码") in found
    assert (7, "劳动者身份证号码") in found
    assert (8, "欠薪金额（元）") in found
    assert (9, "欠薪截止日期") in found
    reasons = {(e.row, e.column): e.reason for e in parsed.errors}
    assert "校验位" in reasons[(3, "劳动者身份证号码")]
    assert "文本格式" in reasons[(7, "劳动者身份证号码")]
    assert "重复" in reasons[(6, "劳动者身份证号码")]
    # the rest of a refused complaint is told why it was not imported
    assert reasons[(2, "")].startswith("同一投诉的第3行有错误")
    assert [c.rows for c in parsed.valid] == [[10]]


def test_the_error_sheet_lists_each_problem_with_its_row() -> None:
    parsed = parse(workbook([row(1, 1, owed_amount="abc"), row(2, 2)]), NOW)
    sheet = load_workbook(io.BytesIO(error_sheet(parsed))).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    assert list(lines[0][:3]) == ["行号", "列", "原因"] and list(lines[0][3:]) == [c.header for c in COLUMNS]
    assert [(r[0], r[1]) for r in lines[1:]] == [(2, "欠薪金额（元）")]
    assert lines[1][3] == "太原市第1建筑劳务有限公司" and "abc" in lines[1]


def test_a_file_that_is_not_the_template_is_refused_whole() -> None:
    with pytest.raises(SheetError, match="缺少列"):
        parse(workbook([row()], headers=["姓名", "金额"]), NOW)
    with pytest.raises(SheetError, match="无法读取"):
        parse(b"not a workbook", NOW)


def test_the_shipped_template_has_the_headers_and_a_valid_example() -> None:
    data = (ROOT / "docs" / "complaints-template.xlsx").read_bytes()
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    parsed = parse(data, NOW)
    assert parsed.errors == [] and len(parsed.valid) == 1


def test_a_realistic_file_of_two_thousand_rows() -> None:
    parsed = parse(workbook(realistic()), NOW)
    assert parsed.rows == 2000 and parsed.errors == []
    assert len(parsed.valid) == 40 and {len(c.rows) for c in parsed.valid} == {50}
