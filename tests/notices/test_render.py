"""Notices as real PDFs: fonts embedded, figures and 大写 printed, IDs masked, markup printed literally."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from models.case import CaseIntake, CaseState
from models.notices import Bureau, NoticeKind
from notices.context import build_context
from notices.render import FontsMissingError, NoticeRenderer
from tests.builders import intake_body, make_id
from tests.harness import INSPECTOR, shared_renderer
from workflows.case import CaseStart, initial_state

BUREAU = Bureau(name="太原市小店区人力资源和社会保障局", abbr="小人社监", region_code="140105", phone="12333")
HOSTILE = ["#set page(width: 1pt)", "{{ 7*7 }}", "<script>alert(1)</script>", "*x* _y_ $z$ \\ ] #", "@ref <lbl>"]


def case(**overrides: Any) -> CaseState:
    body = intake_body(workers=2)
    body.update(overrides)
    state = initial_state(CaseStart(case_id="C1", intake=CaseIntake.model_validate(body), created_by=INSPECTOR))
    return state.model_copy(
        update={
            "case_number": "小人社监案〔2026〕7号",
            "order_due": date(2026, 12, 5),
            "rejection_reason": "不属于本机关管辖",
            "close_reason": "cleared",
        }
    )


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_kind_is_a_readable_pdf(kind: NoticeKind) -> None:
    ctx = build_context(kind, case(), bureau=BUREAU, doc_number="小人社监令〔2026〕15号", issued_on=date(2026, 11, 22))
    pdf = shared_renderer().render(ctx)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()  # type: ignore[index]
        for f in [f.get_object()]
    }
    assert any("NotoSerifCJK" in f for f in fonts), fonts
    text = text_of(pdf)
    assert "小人社监令〔2026〕15号" in text
    assert ctx.title in text and BUREAU.name in text
    assert "2026年11月22日" in text
    for i in (1, 2):
        assert make_id(i) not in text
    if kind == NoticeKind.PAYMENT_ORDER:
        assert "贰万肆仟元整" in text and "24,000.00" in text
        assert make_id(1)[:6] + "********" + make_id(1)[-4:] in text
        assert "2026年12月5日" in text and "六十日" in text
    if kind == NoticeKind.REJECTION:
        assert "不属于本机关管辖" in text


def test_context_never_holds_a_full_id_or_phone() -> None:
    for kind in NoticeKind:
        ctx = build_context(kind, case(), bureau=BUREAU, doc_number="X", issued_on=date(2026, 11, 22))
        dumped = json.dumps(ctx.model_dump(mode="json"), ensure_ascii=False)
        for i in (1, 2):
            assert make_id(i) not in dumped
        assert "13812345678" not in dumped and "13900000000" not in dumped


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markup_in_names_prints_literally(hostile: str) -> None:
    body = intake_body(workers=1)
    employer = {**body["employer"], "name": hostile}
    complainant = {**body["complainant"], "name": hostile}
    c = case(employer=employer, complainant=complainant)
    for kind in (NoticeKind.PAYMENT_ORDER, NoticeKind.ACCEPTANCE):
        ctx = build_context(kind, c, bureau=BUREAU, doc_number="D1", issued_on=date(2026, 11, 22))
        pdf = shared_renderer().render(ctx)
        reader = PdfReader(io.BytesIO(pdf))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # still A4
        assert "".join(hostile.split()) in text_of(pdf)
        assert "49" not in text_of(pdf).replace("2026", "")  # {{ 7*7 }} was not evaluated


def test_same_input_same_bytes() -> None:
    ctx = build_context(NoticeKind.CLOSING, case(), bureau=BUREAU, doc_number="D", issued_on=date(2026, 11, 22))
    assert shared_renderer().render(ctx) == shared_renderer().render(ctx)


def test_missing_fonts_refused(tmp_path: Any) -> None:
    with pytest.raises(FontsMissingError, match="fonts-noto-cjk"):
        NoticeRenderer(font_dirs=[tmp_path])
