"""Notices as real PDFs: the enforcement-form layout, fonts embedded, the basis before the demand, the
rights named, figures and 大写 printed, IDs masked, the seal stamped, markup printed literally."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from models.actions import SERVICE_METHOD_ZH, ServiceMethod
from models.case import CaseState
from models.identity import mask_id
from models.notices import CASE_KINDS, Bureau, NoticeContext, NoticeKind
from notices.context import build_context
from notices.render import FontsMissingError, NoticeRenderer, payload, read_seal, seal_format
from rules.limitation import limitation
from tests.builders import make_id
from tests.notices.conftest import (
    BUREAU,
    COURT,
    DOC,
    ISSUED,
    ORDER_DOC,
    REVIEW_BODY,
    make_case,
    notice_context,
    paid_in_full,
    pdf_text,
    served_notice,
    squash,
)

HOSTILE = [
    "#set page(width: 1pt)",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    "*x* _y_ $z$ \\ ]",
    '"); #panic("boom") //',
    "@ref <lbl> #{1+1} `raw` = 标题",
]
RIGHTS_TAIL = f"可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"


def context(kind: NoticeKind, **overrides: Any) -> NoticeContext:
    return notice_context(kind, make_case(**overrides))


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


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


def x_of(pdf: bytes, fragment: str) -> float:
    """Where on the first page the text run holding ``fragment`` starts (points from the left edge)."""
    found: list[float] = []

    def visit(text: str, cm: Any, tm: Any, *_: Any) -> None:
        if fragment in squash(text) and not found:
            found.append(float(tm[4]) * float(cm[0]) + float(cm[4]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert found, fragment
    return found[0]


def png(width: int = 8, height: int = 8) -> bytes:
    """A small red RGBA PNG, written by hand (no imaging library needed)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((200, 20, 20, 160)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


# --- every kind ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CASE_KINDS)
def test_each_kind_is_a_readable_pdf_in_the_form_layout(renderer: NoticeRenderer, kind: NoticeKind) -> None:
    ctx = context(kind)
    pdf = renderer.render(ctx)
    assert pdf.startswith(b"%PDF-")
    assert b"/FontFile" in pdf  # the font program itself is embedded, not just named
    assert any("NotoSerifCJK" in f for f in font_names(pdf)), font_names(pdf)
    # the decisions run over a second page (the penalty's only with its contact line, so it may fit one)
    allowed = {NoticeKind.DECISION: (2,), NoticeKind.PENALTY_DECISION: (1, 2)}.get(kind, (1,))
    assert a4(pdf) and pages(pdf) in allowed
    text = pdf_text(pdf)
    for expected in (DOC, ctx.title, BUREAU.name, "2026年11月22日", "（印章）", squash(ctx.addressee)):
        assert expected in text, expected
    # agency name, form title, 文号, then the body
    assert text.index(BUREAU.name) < text.index(ctx.title) < text.index(DOC) < text.index(squash(ctx.addressee))
    assert x_of(pdf, "小人社监令") > 595 / 2  # the 文号 sits at the right
    assert "— 1 —" not in text  # no page number on a one-page notice
    for i in (1, 2):
        assert make_id(i) not in text
    for basis in ctx.legal_basis:
        assert squash(basis) in text
    assert "法律依据：" not in text  # the basis is in the body, before the decision
    challengeable = (
        NoticeKind.PAYMENT_ORDER,
        NoticeKind.REJECTION,
        NoticeKind.CLOSING,
        NoticeKind.DECISION,
        NoticeKind.PENALTY_DECISION,
    )
    # the rights clause on what the party can challenge; the court application says it was not challenged
    assert ("行政复议" in text) == (kind in challengeable or kind == NoticeKind.COURT_APPLICATION)
    assert (RIGHTS_TAIL.replace(" ", "") in text) <= (kind in challengeable)


def test_templates_ship_with_the_package_and_print_no_red() -> None:
    templates = resources.files("notices") / "templates"
    assert "json(bytes(sys.inputs.data))" in (templates / "base.typ").read_text(encoding="utf-8")
    for name in ["base", *(kind.value for kind in NoticeKind)]:
        source = (templates / f"{name}.typ").read_text(encoding="utf-8")
        assert "eval(" not in source
        code = "\n".join(line.split("//")[0] for line in source.splitlines())
        assert "rgb(" not in code and "cmyk(" not in code and not re.search(r"\bred\b", code)


# --- the order to pay -------------------------------------------------------------------------------


def test_payment_order_pdf(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(context(NoticeKind.PAYMENT_ORDER))
    text = pdf_text(pdf)
    assert "劳动保障监察限期改正指令书（责令限期支付工资）" in text
    assert text.index("劳动保障监察限期改正指令书") < text.index("（责令限期支付工资）") < text.index(DOC)
    basis = "根据《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条的规定，现责令你单位"
    assert basis in text
    assert text.index("第二十六条") < text.index("现责令") < text.index("逾期不支付")
    assert "于2026年12月5日前（含当日）" in text
    assert "第五十四条" not in text and "第五十五条" not in text
    for duty in ("《保障农民工工资支付条例》第三条、第十二条、第十六条", "《中华人民共和国劳动法》第五十条"):
        assert duty in text and text.index(duty) < text.index("现责令")
    assert "如不服本指令书，" + RIGHTS_TAIL in text
    assert "《中华人民共和国行政复议法》第二十条" in text and "《中华人民共和国行政诉讼法》第四十六条" in text
    assert "24,000.00" in text and "贰万肆仟元整" in text and "12,000.00" in text
    for i in (1, 2):
        assert mask_id(make_id(i)) in text and make_id(i) not in text
    assert "拒不支付劳动报酬罪" in text


@pytest.mark.parametrize("addressee", ["employer", "general_contractor"])
def test_one_worker_order_fits_one_page(renderer: NoticeRenderer, addressee: str) -> None:
    case = make_case(workers=1).model_copy(update={"order_addressee": addressee})
    pdf = renderer.render(notice_context(NoticeKind.PAYMENT_ORDER, case))
    assert pages(pdf) == 1
    assert "（印章）" in pdf_text(pdf) and "2026年11月22日" in pdf_text(pdf)


def test_order_to_the_general_contractor_pdf(renderer: NoticeRenderer) -> None:
    case = make_case().model_copy(update={"order_addressee": "general_contractor"})
    ctx = notice_context(NoticeKind.PAYMENT_ORDER, case)
    text = pdf_text(renderer.render(ctx))
    assert text.index(squash(ctx.addressee)) < text.index("经调查")
    assert squash(ctx.addressee).startswith("某建设集团有限公司（统一社会信用代码：")
    assert "分包单位太原市某建筑劳务有限公司" in text
    assert "《保障农民工工资支付条例》第三十条" in text and "先行清偿" in text
    assert "于2026年12月5日前（含当日）先行清偿" in text
    assert "第五十四条" not in text and "第五十五条" not in text
    assert "如不服本指令书，" + RIGHTS_TAIL in text


def test_many_workers_run_over_numbered_pages(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(context(NoticeKind.PAYMENT_ORDER, workers=60))
    assert pages(pdf) > 1 and a4(pdf)
    text = pdf_text(pdf)
    assert mask_id(make_id(60)) in text and "—1—" in text and "—2—" in text


# --- refusals, redirections, supplements ---------------------------------------------------------


def refusal_case(code: str) -> CaseState:
    case = make_case()
    if code == "time_barred":
        for w in case.workers:
            w.owed_from, w.owed_to = date(2024, 3, 1), date(2024, 5, 31)
        case = case.model_copy(update={"limitation": limitation(date(2026, 11, 3), [date(2024, 5, 31)])})
    return case.model_copy(update={"rejection_code": code, "rejection_reason": "请向迎泽区人力资源和社会保障局反映"})


@pytest.mark.parametrize(
    ("code", "kind", "title", "words"),
    [
        (
            "time_barred",
            NoticeKind.REJECTION,
            "不予受理通知书",
            ["于2024年5月31日终了", "已超过两年", "《劳动保障监察条例》第二十条", "若干规定》第十八条"],
        ),
        (
            "labour_dispute",
            NoticeKind.REJECTION,
            "不予受理通知书",
            [
                "劳动人事争议仲裁委员会",
                "人民法院提起诉讼",
                "《劳动保障监察条例》第二十一条第二款",
                "若干规定》第十八条",
            ],
        ),
        (
            "not_in_remit",
            NoticeKind.REDIRECTION,
            "告知书",
            ["不属于劳动保障监察职权范围", "请向迎泽区人力资源和社会保障局反映", "若干规定》第十八条"],
        ),
        (
            "other_territory",
            NoticeKind.REDIRECTION,
            "告知书",
            ["不属于本机关管辖", "请向迎泽区人力资源和社会保障局反映", "若干规定》第十八条"],
        ),
    ],
)
def test_refusal_documents_per_reason(
    renderer: NoticeRenderer, code: str, kind: NoticeKind, title: str, words: list[str]
) -> None:
    text = pdf_text(renderer.render(notice_context(kind, refusal_case(code))))
    assert title in text
    for w in words:
        assert w in text, w
    if kind == NoticeKind.REJECTION:
        assert "决定不予受理" in text and "如不服本通知书，" + RIGHTS_TAIL in text
    else:
        assert "不予受理" not in text and "行政复议" not in text and "行政诉讼" not in text


def test_supplement_pdf(renderer: NoticeRenderer) -> None:
    case = make_case().model_copy(update={"supplement_missing": "工资欠条复印件"})
    text = pdf_text(renderer.render(notice_context(NoticeKind.SUPPLEMENT, case)))
    assert "补正通知书" in text and "请你补正以下材料：工资欠条复印件。" in text
    assert "《关于实施〈劳动保障监察条例〉若干规定》第十八条" in text
    assert "五个工作日期限，自收到你补正的全部材料之日起重新计算" in text
    assert "行政复议" not in text


# --- closing --------------------------------------------------------------------------------------


def closing_case(reason: str) -> CaseState:
    case = make_case()
    if reason == "no_violation":
        for w in case.workers:
            w.confirmed_amount = Decimal("0.00")
    elif reason in ("cleared", "minor_corrected"):
        case = paid_in_full(case)
    return case.model_copy(update={"close_reason": reason})


@pytest.mark.parametrize(
    ("reason", "article"),
    [
        ("cleared", "《劳动保障监察条例》第十八条第一款第（二）项"),
        ("no_violation", "《劳动保障监察条例》第十八条的规定"),
        ("minor_corrected", "《劳动保障监察条例》第十八条第一款第（三）项"),
        ("transferred", "《劳动保障监察条例》第十八条第二款"),
        ("withdrawn", "《劳动保障监察条例》第十八条的规定"),
    ],
)
def test_closing_notice_per_reason(renderer: NoticeRenderer, reason: str, article: str) -> None:
    text = pdf_text(renderer.render(notice_context(NoticeKind.CLOSING, closing_case(reason))))
    assert "结案通知书" in text and article in text
    assert "如不服本通知书，" + RIGHTS_TAIL in text
    assert ("欠薪已全部清偿" in text) == (reason == "cleared")
    if reason == "cleared":
        assert "上述欠薪已全部清偿，共计人民币24,000.00元（大写：贰万肆仟元整）" in text
    if reason == "no_violation":
        assert "清偿" not in text and "支付" not in text and "未发现" in text
    if reason == "minor_corrected":
        assert "撤销立案" in text
    if reason == "withdrawn":
        assert "撤回投诉" in text and "尚有工资人民币24,000.00元（大写：贰万肆仟元整）未支付" in text


# --- the 送达回证 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(ServiceMethod))
def test_service_receipt_pdf(renderer: NoticeRenderer, method: ServiceMethod) -> None:
    subject = served_notice(method=method.value, recipient="李四")
    case = make_case().model_copy(update={"notices": [subject]})
    number = f"{ORDER_DOC}-送"
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, case, subject=subject, doc_number=number)
    pdf = renderer.render(ctx)
    assert pages(pdf) == 1
    text = pdf_text(pdf)
    for expected in (
        BUREAU.name,
        "送达回证",
        number,
        "劳动保障监察限期改正指令书（责令限期支付工资）",
        "受送达人太原市某建筑劳务有限公司",
        "送达时间2026年11月23日10时05分",
        "送达方式" + SERVICE_METHOD_ZH[method],
        "签收人李四",
        "签收人签名或者盖章",
        "送达人签名",
        "备注",
        "（印章）",
    ):
        assert expected in text, expected
    assert text.index(BUREAU.name) < text.index("送达回证") < text.index(number)


def test_service_receipt_before_service_prints_blanks(renderer: NoticeRenderer) -> None:
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, subject=served_notice(method=None))
    text = pdf_text(renderer.render(ctx))
    assert "送达时间年月日时分" in text and "送达方式签收人签收人签名" in text


# --- the seal -------------------------------------------------------------------------------------


def test_seal_image_replaces_the_placeholder(renderer: NoticeRenderer, tmp_path: Path) -> None:
    seal = tmp_path / "seal.png"
    seal.write_bytes(png())
    bureau = BUREAU.model_copy(update={"seal_image": str(seal)})
    for kind in (NoticeKind.PAYMENT_ORDER, NoticeKind.CLOSING, NoticeKind.SERVICE_RECEIPT):
        pdf = renderer.render(notice_context(kind, bureau=bureau))
        text = pdf_text(pdf)
        assert images(pdf) == 1 and "（印章）" not in text
        assert BUREAU.name in text and "2026年11月22日" in text
    one = make_case(workers=1).model_copy(update={"order_addressee": "general_contractor"})
    assert pages(renderer.render(notice_context(NoticeKind.PAYMENT_ORDER, one, bureau=bureau))) == 1


def test_svg_seal(renderer: NoticeRenderer, tmp_path: Path) -> None:
    seal = tmp_path / "seal.svg"
    seal.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        '<circle cx="50" cy="50" r="45" fill="none" stroke="#c00" stroke-width="4"/></svg>',
        encoding="utf-8",
    )
    bureau = BUREAU.model_copy(update={"seal_image": str(seal)})
    text = pdf_text(renderer.render(notice_context(NoticeKind.ACCEPTANCE, bureau=bureau)))
    assert "（印章）" not in text


@pytest.mark.parametrize("content", [None, b"not an image", b""])
def test_missing_or_broken_seal_leaves_the_place_for_a_wet_seal(
    renderer: NoticeRenderer, tmp_path: Path, content: bytes | None
) -> None:
    seal = tmp_path / "seal.png"
    if content is not None:
        seal.write_bytes(content)
    bureau = BUREAU.model_copy(update={"seal_image": str(seal)})
    pdf = renderer.render(notice_context(NoticeKind.CLOSING, bureau=bureau))
    assert "（印章）" in pdf_text(pdf) and images(pdf) == 0


def test_seal_format_by_content(tmp_path: Path) -> None:
    assert seal_format(png()) == "png"
    assert seal_format(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert seal_format(b"<?xml version='1.0'?><svg/>") == "svg"
    assert seal_format(b"#set page(width: 1pt)") is None
    assert read_seal("") is None and read_seal(str(tmp_path / "absent.png")) is None
    (tmp_path / "s.png").write_bytes(png())
    assert read_seal(str(tmp_path / "s.png")) == (png(), "png")


# --- injection safety, determinism, threads, fonts --------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("kind", [NoticeKind.PAYMENT_ORDER, NoticeKind.ACCEPTANCE])
def test_markup_in_names_prints_literally(renderer: NoticeRenderer, kind: NoticeKind, hostile: str) -> None:
    # set past intake's validation: the renderer must print literally whatever reaches it (older cases too)
    case = make_case(workers=1)
    assert case.project is not None
    case = case.model_copy(
        update={
            "employer": case.employer.model_copy(update={"name": hostile}),
            "complainant": case.complainant.model_copy(update={"name": hostile}),
            "project": case.project.model_copy(update={"name": hostile}),
        }
    )
    ctx = notice_context(kind, case)
    pdf = renderer.render(ctx)
    assert pdf.startswith(b"%PDF-") and a4(pdf)
    text = pdf_text(pdf)
    assert text.count(squash(hostile)) >= 2  # addressee and facts (and project) all literal
    assert "49" not in text.replace("2026", "")  # {{ 7*7 }} was not evaluated anywhere


def test_markup_in_every_field_prints_literally(renderer: NoticeRenderer) -> None:
    """Bureau settings and reasons come from people too; every string field goes through as data."""
    hostile = "#set page(width: 1pt) ]) #panic() $x$"
    bureau = Bureau(
        name=hostile, abbr="x", region_code="140105", address=hostile, phone=hostile, review_body=hostile, court=hostile
    )
    case = make_case().model_copy(update={"rejection_reason": hostile, "case_number": hostile})
    ctx = build_context(NoticeKind.REJECTION, case, bureau=bureau, doc_number=hostile, issued_on=ISSUED)
    pdf = renderer.render(ctx)
    assert a4(pdf)
    assert pdf_text(pdf).count(squash(hostile)) >= 8


def test_markup_in_a_service_record_prints_literally(renderer: NoticeRenderer) -> None:
    hostile = '#panic("x") $y$ ]'
    subject = served_notice(method="direct", recipient=hostile, doc_number=hostile)
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, subject=subject, doc_number=hostile + "-送")
    assert pdf_text(renderer.render(ctx)).count(squash(hostile)) >= 3


def test_payload_is_preformatted_json() -> None:
    data = payload(context(NoticeKind.PAYMENT_ORDER))
    assert json.loads(json.dumps(data)) == data
    assert data["total_figures"] == "24,000.00" and data["total_words"] == "贰万肆仟元整"
    assert data["issued_on_zh"] == "2026年11月22日" and data["due_zh"] == "2026年12月5日"
    assert data["subtitle"] == "（责令限期支付工资）" and data["seal_format"] == ""
    assert data["workers"][0] == {"name": "工人1", "id_masked": mask_id(make_id(1)), "amount": "12,000.00"}
    receipt = payload(context(NoticeKind.SERVICE_RECEIPT))
    assert receipt["served_at_zh"] == "2026年11月23日10时05分" and receipt["service_method"] == "直接送达"


def test_same_input_same_bytes(renderer: NoticeRenderer, tmp_path: Path) -> None:
    ctx = context(NoticeKind.CLOSING)
    assert renderer.render(ctx) == renderer.render(ctx)
    seal = tmp_path / "seal.png"
    seal.write_bytes(png())
    sealed = ctx.model_copy(update={"seal_image": str(seal)})
    assert renderer.render(sealed) == renderer.render(sealed) != renderer.render(ctx)


def test_renders_from_several_threads(renderer: NoticeRenderer) -> None:
    contexts = [context(kind) for kind in CASE_KINDS] * 3
    expected = [renderer.render(c) for c in contexts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(renderer.render, contexts)) == expected


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
