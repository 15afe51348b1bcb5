"""What each notice says: addressee, facts, legal basis, demand, rights, and never a full ID or phone."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from models.identity import mask_id
from models.notices import NOTICE_TITLES, NoticeContext, NoticeKind
from notices.amounts import amount_in_words
from notices.context import RIGHTS, build_context, scrub
from tests.builders import make_id, make_uscc
from tests.notices.conftest import BUREAU, ISSUED, make_case

DOC = "小人社监令〔2026〕15号"


def context(kind: NoticeKind, **overrides: Any) -> NoticeContext:
    return build_context(kind, make_case(**overrides), bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)


def everything(ctx: NoticeContext) -> str:
    return json.dumps(ctx.model_dump(mode="json"), ensure_ascii=False)


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_common_fields(kind: NoticeKind) -> None:
    ctx = context(kind)
    assert ctx.kind == kind and ctx.title == NOTICE_TITLES[kind]
    assert ctx.bureau_name == BUREAU.name and ctx.doc_number == DOC and ctx.issued_on == ISSUED
    assert ctx.contact == "地址：太原市小店区某路1号　电话：0351-12333"
    facts = ctx.paragraphs[0]
    assert "太原市某建筑劳务有限公司" in facts or "你单位" in facts
    assert "“小店区某住宅项目”" in facts and "2名劳动者" in facts
    assert "2026年6月1日至2026年9月30日" in facts and "24,000.00" in facts and "贰万肆仟元整" in facts


@pytest.mark.parametrize("kind", [NoticeKind.ACCEPTANCE, NoticeKind.REJECTION, NoticeKind.CLOSING])
def test_complainant_notices_go_to_the_complainant(kind: NoticeKind) -> None:
    ctx = context(kind)
    assert ctx.addressee == "张三"
    assert ctx.workers == [] and ctx.total_amount is None and ctx.due is None
    assert "2026年11月3日" in ctx.paragraphs[0]
    assert make_uscc(1) in ctx.paragraphs[0]


def test_acceptance() -> None:
    ctx = context(NoticeKind.ACCEPTANCE)
    assert ctx.legal_basis == [
        "《劳动保障监察条例》第九条、第十四条",
        "《关于实施〈劳动保障监察条例〉若干规定》第十八条",
    ]
    assert "予以受理" in ctx.paragraphs[1] and "小人社监案〔2026〕7号" in ctx.paragraphs[1]
    assert ctx.rights == []


def test_rejection_gives_reason_basis_and_rights() -> None:
    ctx = context(NoticeKind.REJECTION)
    assert ctx.legal_basis == ["《关于实施〈劳动保障监察条例〉若干规定》第十八条"]
    assert "不属于本机关管辖，请向迎泽区人力资源和社会保障局反映。本机关决定不予受理" in ctx.paragraphs[1]
    assert ctx.rights == [RIGHTS]
    assert "六十日" in RIGHTS and "六个月" in RIGHTS and "行政复议" in RIGHTS and "行政诉讼" in RIGHTS


def test_payment_order_addresses_the_employer_and_lists_outstanding_amounts() -> None:
    case = make_case(workers=3)
    case.workers[0].paid_amount = Decimal("2000.50")
    case.workers[2].paid_amount = Decimal("12000.00")  # paid in full: not ordered any more
    ctx = build_context(NoticeKind.PAYMENT_ORDER, case, bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)
    assert ctx.addressee == f"太原市某建筑劳务有限公司（统一社会信用代码：{make_uscc(1)}）"
    assert [(w.name, w.id_masked, w.amount) for w in ctx.workers] == [
        ("工人1", mask_id(make_id(1)), Decimal("9999.50")),
        ("工人2", mask_id(make_id(2)), Decimal("12000.00")),
    ]
    assert ctx.total_amount == case.outstanding == Decimal("21999.50")
    assert ctx.due == case.order_due
    text = "".join(ctx.paragraphs)
    assert "21,999.50" in text and amount_in_words(Decimal("21999.50")) in text
    assert "2026年12月5日前" in ctx.paragraphs[1] and "足额支付" in ctx.paragraphs[1]
    for words in ("加付赔偿金", "百分之五十以上百分之一百以下", "失信联合惩戒", "拒不支付劳动报酬罪"):
        assert words in ctx.paragraphs[2]
    assert ctx.legal_basis == [
        "《劳动保障监察条例》第二十六条",
        "《保障农民工工资支付条例》第五十四条、第五十五条",
        "《中华人民共和国劳动合同法》第八十五条",
    ]
    assert ctx.rights == [RIGHTS]


def test_no_project_no_project_clause() -> None:
    ctx = context(NoticeKind.ACCEPTANCE, project=None)
    assert "项目" not in ctx.paragraphs[0]


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("cleared", "欠薪已全部清偿"),
        ("withdrawn", "投诉人撤回投诉"),
        ("no_violation", "经调查未发现违法行为"),
        ("transferred", "已移送有关部门处理"),
    ],
)
def test_closing_reason_in_words(reason: str, words: str) -> None:
    case = make_case().model_copy(update={"close_reason": reason})
    ctx = build_context(NoticeKind.CLOSING, case, bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)
    assert f"结案理由：{words}。" in ctx.paragraphs[1]
    assert reason not in everything(ctx)
    assert ctx.rights == [] and ctx.legal_basis


def test_closing_states_what_was_paid() -> None:
    case = make_case()
    for w in case.workers:
        w.paid_amount = w.claimed_amount
    ctx = build_context(NoticeKind.CLOSING, case, bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)
    assert "已清偿工资人民币24,000.00元（大写：贰万肆仟元整）" in ctx.paragraphs[1]
    assert "未清偿" not in ctx.paragraphs[1]


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_context_never_holds_a_full_id_or_phone(kind: NoticeKind) -> None:
    leak = f"投诉人身份证{make_id(1)}，电话13812345678"
    case = make_case(workers=3).model_copy(update={"rejection_reason": leak, "close_reason": leak})
    ctx = build_context(kind, case, bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)
    dumped = everything(ctx)
    for i in (1, 2, 3):
        assert make_id(i) not in dumped
    assert "13812345678" not in dumped and "13900000000" not in dumped
    if kind in (NoticeKind.REJECTION, NoticeKind.CLOSING):
        assert mask_id(make_id(1)) in dumped and "138****5678" in dumped


def test_scrub_masks_ids_and_mobiles_in_free_text() -> None:
    assert scrub(f"身份证{make_id(1)}。") == f"身份证{mask_id(make_id(1))}。"
    assert scrub("旧证号110105850314001") == "旧证号110105*****4001"
    assert scrub("电话13812345678，座机0351-12333") == "电话138****5678，座机0351-12333"
    assert scrub(make_uscc(1)) == make_uscc(1)
