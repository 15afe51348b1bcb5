"""Notices as real PDFs: fonts embedded, figures and 大写 printed, IDs masked, markup printed literally."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from models.identity import mask_id
from models.notices import Bureau, NoticeContext, NoticeKind
from notices.context import build_context
from notices.render import FontsMissingError, NoticeRenderer, payload
from tests.builders import intake_body, make_id
from tests.notices.conftest import BUREAU, ISSUED, make_case, pdf_text, squash

DOC = "小人社监令〔2026〕15号"
HOSTILE = [
    "#set page(width: 1pt)",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    "*x* _y_ $z$ \\ ]",
    '"); #panic("boom") //',
    "@ref <lbl> #{1+1} `raw` = 标题",
]


def context(kind: NoticeKind, **overrides: Any) -> NoticeContext:
    return build_context(kind, make_case(**overrides), bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)


def a4(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    return all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages)


def font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]
        names.update(str(f.get_object()["/BaseFont"]) for f in fonts.values())
    return names


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_each_kind_is_a_readable_pdf(renderer: NoticeRenderer, kind: NoticeKind) -> None:
    ctx = context(kind)
    pdf = renderer.render(ctx)
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile" in pdf  # the font program itself is embedded, not just named
    assert any("NotoSerifCJK" in f for f in font_names(pdf)), font_names(pdf)
    assert a4(pdf)
    text = pdf_text(pdf)
    for expected in (DOC, ctx.title, BUREAU.name, "2026年11月22日", "（印章）", squash(ctx.addressee)):
        assert expected in text, expected
    for i in (1, 2):
        assert make_id(i) not in text
    for basis in ctx.legal_basis:
        assert squash(basis) in text


def test_payment_order_prints_workers_amounts_and_deadline(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(context(NoticeKind.PAYMENT_ORDER))
    text = pdf_text(pdf)
    assert "24,000.00" in text and "贰万肆仟元整" in text and "12,000.00" in text
    for i in (1, 2):
        assert mask_id(make_id(i)) in text and make_id(i) not in text
    assert "2026年12月5日前" in text and "六十日" in text and "六个月" in text
    assert "拒不支付劳动报酬罪" in text


def test_rejection_prints_reason_and_rights(renderer: NoticeRenderer) -> None:
    text = pdf_text(renderer.render(context(NoticeKind.REJECTION)))
    assert "不属于本机关管辖" in text and "六十日内依法申请行政复议" in text


def test_closing_prints_reason(renderer: NoticeRenderer) -> None:
    assert "欠薪已全部清偿" in pdf_text(renderer.render(context(NoticeKind.CLOSING)))


def test_many_workers_run_over_pages(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(context(NoticeKind.PAYMENT_ORDER, workers=60))
    assert len(PdfReader(io.BytesIO(pdf)).pages) > 1 and a4(pdf)
    assert mask_id(make_id(60)) in pdf_text(pdf)


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("kind", [NoticeKind.PAYMENT_ORDER, NoticeKind.ACCEPTANCE])
def test_markup_in_names_prints_literally(renderer: NoticeRenderer, kind: NoticeKind, hostile: str) -> None:
    body = intake_body(workers=1)
    ctx = context(
        kind,
        workers=1,
        employer={**body["employer"], "name": hostile},
        complainant={**body["complainant"], "name": hostile},
        project={"name": hostile},
    )
    pdf = renderer.render(ctx)
    assert pdf.startswith(b"%PDF-") and a4(pdf)
    text = pdf_text(pdf)
    assert text.count(squash(hostile)) >= 2  # addressee and facts (and project) all literal
    assert "49" not in text.replace("2026", "")  # {{ 7*7 }} was not evaluated anywhere


def test_markup_in_every_field_prints_literally(renderer: NoticeRenderer) -> None:
    """Bureau settings and reasons come from people too; every string field goes through as data."""
    hostile = "#set page(width: 1pt) ]) #panic() $x$"
    bureau = Bureau(name=hostile, abbr="x", region_code="140105", address=hostile, phone=hostile)
    case = make_case().model_copy(update={"rejection_reason": hostile, "case_number": hostile})
    ctx = build_context(NoticeKind.REJECTION, case, bureau=bureau, doc_number=hostile, issued_on=ISSUED)
    pdf = renderer.render(ctx)
    assert a4(pdf)
    assert pdf_text(pdf).count(squash(hostile)) >= 6


def test_payload_is_preformatted_json() -> None:
    data = payload(context(NoticeKind.PAYMENT_ORDER))
    assert json.loads(json.dumps(data)) == data
    assert data["total_figures"] == "24,000.00" and data["total_words"] == "贰万肆仟元整"
    assert data["issued_on_zh"] == "2026年11月22日" and data["due_zh"] == "2026年12月5日"
    assert data["workers"][0] == {"name": "工人1", "id_masked": mask_id(make_id(1)), "amount": "12,000.00"}


def test_same_input_same_bytes(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.CLOSING)
    assert renderer.render(ctx) == renderer.render(ctx)


def test_renders_from_several_threads(renderer: NoticeRenderer) -> None:
    contexts = [context(kind) for kind in NoticeKind] * 3
    expected = [renderer.render(c) for c in contexts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(renderer.render, contexts)) == expected


def test_templates_ship_with_the_package() -> None:
    templates = resources.files("notices") / "templates"
    assert "json(bytes(sys.inputs.data))" in (templates / "base.typ").read_text(encoding="utf-8")
    for name in ["base", *(kind.value for kind in NoticeKind)]:
        assert "eval(" not in (templates / f"{name}.typ").read_text(encoding="utf-8")


def test_missing_fonts_refused(tmp_path: Path) -> None:
    with pytest.raises(FontsMissingError, match="fonts-noto-cjk"):
        NoticeRenderer(font_dirs=[tmp_path])
    with pytest.raises(FontsMissingError, match="fonts-noto-cjk"):
        NoticeRenderer(font_dirs=[tmp_path / "absent"])
    with pytest.raises(FontsMissingError):
        NoticeRenderer(font_dirs=[])


def test_explicit_font_dir(tmp_path: Path) -> None:
    renderer = NoticeRenderer(font_dirs=[Path("/usr/share/fonts/opentype/noto"), tmp_path])
    pdf = renderer.render(
        build_context(NoticeKind.ACCEPTANCE, make_case(), bureau=BUREAU, doc_number=DOC, issued_on=date(2026, 1, 2))
    )
    assert "2026年1月2日" in pdf_text(pdf)
