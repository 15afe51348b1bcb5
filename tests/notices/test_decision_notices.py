"""The administrative decision's two notices: the 行政处理事先告知书 (the decision intended, the right to
state and defend) and the 行政处理决定书 (wages plus 加付赔偿金 per worker, the rights of review, the court's
enforcement), as context and as real PDFs."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from models.case import CaseState, WorkerState
from models.enforcement import DecisionLine, DecisionTrack, Defense
from models.identity import mask_id
from models.notices import NOTICE_TITLES, Bureau, NoticeContext, NoticeKind
from notices.amounts import amount_in_words, compensation_on
from notices.context import build_context
from notices.render import NoticeRenderer, payload
from notices.wording import ENFORCEMENT_LAW, rights_clause
from tests.builders import make_id, make_uscc
from tests.notices.conftest import (
    BUREAU,
    COURT,
    ISSUED,
    ORDER_DOC,
    REVIEW_BODY,
    make_case,
    notice_context,
    pdf_text,
    served_notice,
    squash,
)

PRIOR_DOC = "小人社监处告〔2026〕2号"
DECISION_DOC = "小人社监处决〔2026〕1号"
PROPOSED_AT = datetime.fromisoformat("2026-12-08T09:00:00+08:00")
DECIDED_AT = datetime.fromisoformat("2026-12-16T15:00:00+08:00")
ARTICLE_26 = "《劳动保障监察条例》第二十六条"
ARTICLE_85 = "《中华人民共和国劳动合同法》第八十五条"
BASIS = [ARTICLE_26, ARTICLE_85]
EMPLOYER = f"太原市某建筑劳务有限公司（统一社会信用代码：{make_uscc(1)}）"
GC = f"某建设集团有限公司（统一社会信用代码：{make_uscc(2)}）"
CITATION = re.compile(r"《[^》]+》第[一二三四五六七八九十百]+条")
NO_DEFENCE = "你单位在规定期限内未提出陈述、申辩。"
ENFORCEMENT = (
    "你单位在法定期限内不申请行政复议、不提起行政诉讼，又不履行本决定的，"
    "本机关将依照《中华人民共和国行政强制法》第五十三条的规定申请人民法院强制执行。"
)


# --- cases as the workflow holds them ---------------------------------------------------------------


def owing(*amounts: str, **overrides: object) -> CaseState:
    """A case whose order to pay (ORDER_DOC, served 2026-11-23, pay by 2026-12-05) was not complied with:
    worker i still owes ``amounts[i]``."""
    case = make_case(workers=len(amounts), **overrides)
    for worker, amount in zip(case.workers, amounts, strict=True):
        worker.confirmed_amount = Decimal(amount)
    return case.model_copy(update={"notices": [served_notice()], "decision": None})


def noticed(case: CaseState, rate: str = "0.50") -> CaseState:
    """When the workflow asks for the 行政处理事先告知书: the decision proposed, its notice not yet issued."""
    return case.model_copy(update={"decision": DecisionTrack(proposed_rate=Decimal(rate), proposed_at=PROPOSED_AT)})


def decided(
    case: CaseState, rate: str = "0.50", proposed: str | None = None, defenses: Sequence[Defense] = ()
) -> CaseState:
    """When the workflow asks for the 行政处理决定书: the prior notice served, the head's decision made, each
    worker's wages still owed and the 加付赔偿金 on them (half up to the fen, as the workflow computes them)."""
    prior = served_notice(NoticeKind.DECISION_NOTICE, doc_number=PRIOR_DOC)
    lines = [
        DecisionLine(
            id_number=w.id_number, wages=w.outstanding, compensation=compensation_on(w.outstanding, Decimal(rate))
        )
        for w in case.workers
        if w.outstanding > 0
    ]
    track = DecisionTrack(
        proposed_rate=Decimal(proposed or rate),
        proposed_at=PROPOSED_AT,
        prior_notice_id=prior.notice_id,
        defenses=list(defenses),
        rate=Decimal(rate),
        lines=lines,
        decided_at=DECIDED_AT,
    )
    return case.model_copy(update={"decision": track, "notices": [*case.notices, prior]})


def defense(party: str, text: str = "我方已与工人协商分期支付，请求从轻处理。") -> Defense:
    return Defense(party=party, text=text, at=PROPOSED_AT + timedelta(days=1), recorded_by="inspector-1")


def prior_notice(case: CaseState, bureau: Bureau = BUREAU) -> NoticeContext:
    return notice_context(NoticeKind.DECISION_NOTICE, case, bureau=bureau, doc_number=PRIOR_DOC)


def decision(case: CaseState, bureau: Bureau = BUREAU) -> NoticeContext:
    return notice_context(NoticeKind.DECISION, case, bureau=bureau, doc_number=DECISION_DOC)


def body(ctx: NoticeContext) -> str:
    return "".join(ctx.paragraphs)


def everything(ctx: NoticeContext) -> str:
    return json.dumps(ctx.model_dump(mode="json"), ensure_ascii=False)


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- the amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wages", "rate", "expected"),
    [
        ("11000.00", "0.50", "5500.00"),
        ("333.33", "0.75", "250.00"),  # 249.9975, half up
        ("333.33", "0.50", "166.67"),  # 166.665, half up (banker's rounding would give 166.66)
        ("0.01", "0.50", "0.01"),
        ("9999999999.99", "1.00", "9999999999.99"),
        ("0.00", "0.80", "0.00"),
    ],
)
def test_compensation_is_exact_to_the_fen_half_up(wages: str, rate: str, expected: str) -> None:
    result = compensation_on(Decimal(wages), Decimal(rate))
    assert result == Decimal(expected) and str(result) == expected


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_compensation_refuses_what_is_no_amount(bad: Decimal) -> None:
    with pytest.raises(ValueError):
        compensation_on(bad, Decimal("0.50"))
    with pytest.raises(ValueError):
        compensation_on(Decimal("100.00"), bad)


def test_prior_notice_lists_each_worker_with_the_intended_compensation() -> None:
    case = owing("11000.00", "333.33", "500.00")
    case.workers[2].paid_amount = Decimal("500.00")  # paid in full since the order: not listed
    ctx = prior_notice(noticed(case, "0.75"))
    assert [(w.name, w.id_masked, w.amount, w.compensation) for w in ctx.workers] == [
        ("工人1", mask_id(make_id(1)), Decimal("11000.00"), Decimal("8250.00")),
        ("工人2", mask_id(make_id(2)), Decimal("333.33"), Decimal("250.00")),
    ]
    assert ctx.total_amount == Decimal("11333.33") and ctx.total_compensation == Decimal("8500.00")
    data = payload(ctx)
    assert data["workers"][1] == {
        "name": "工人2",
        "id_masked": mask_id(make_id(2)),
        "amount": "333.33",
        "compensation": "250.00",
    }
    assert data["total_figures"] == "11,333.33" and data["total_compensation_figures"] == "8,500.00"
    assert data["grand_total_figures"] == "19,833.33"
    assert data["grand_total_words"] == amount_in_words(Decimal("19833.33")) == "壹万玖仟捌佰叁拾叁元叁角叁分"


def test_the_decision_lists_its_own_lines() -> None:
    case = decided(owing("11000.00", "333.33"), "0.50")
    case.workers[0].paid_amount = Decimal("1000.00")  # paid after the decision: the decision stands as made
    ctx = decision(case)
    assert [(w.name, w.id_masked, w.amount, w.compensation) for w in ctx.workers] == [
        ("工人1", mask_id(make_id(1)), Decimal("11000.00"), Decimal("5500.00")),
        ("工人2", mask_id(make_id(2)), Decimal("333.33"), Decimal("166.67")),
    ]
    assert ctx.total_amount == Decimal("11333.33") and ctx.total_compensation == Decimal("5666.67")
    assert payload(ctx)["grand_total_figures"] == "17,000.00"
    assert payload(ctx)["grand_total_words"] == "壹万柒仟元整"


def test_other_notices_carry_no_compensation() -> None:
    ctx = notice_context(NoticeKind.PAYMENT_ORDER, owing("11000.00"))
    assert all(w.compensation is None for w in ctx.workers) and ctx.total_compensation is None
    data = payload(ctx)
    assert "compensation" not in data["workers"][0] and data["grand_total_figures"] == ""


# --- the prior notice ---------------------------------------------------------------------------------


def test_prior_notice_cites_exactly_article_26_and_article_85() -> None:
    ctx = prior_notice(noticed(owing("12000.00", "12000.00")))
    assert ctx.title == NOTICE_TITLES[NoticeKind.DECISION_NOTICE] == "行政处理事先告知书"
    assert ctx.subtitle == "" and ctx.due is None
    assert ctx.legal_basis == BASIS
    assert sorted(set(CITATION.findall(body(ctx)))) == sorted(BASIS)
    assert "第五十三条" not in everything(ctx) and "行政处罚法" not in everything(ctx)


def test_prior_notice_states_the_facts_and_the_intended_decision() -> None:
    case = owing("12000.00", "12000.00")
    case.workers[0].paid_amount = Decimal("2000.00")
    ctx = prior_notice(noticed(case, "0.50"))
    assert ctx.addressee == EMPLOYER
    facts, intended, defence = ctx.paragraphs
    assert facts.startswith("经调查，你单位在“小店区某住宅项目”中拖欠2名劳动者2026年6月1日至2026年9月30日期间的工资。")
    assert f"本机关于2026年11月23日向你单位送达《劳动保障监察限期改正指令书》（{ORDER_DOC}）" in facts
    assert "责令你单位于2026年12月5日前（含当日）足额支付上述工资。你单位逾期未足额支付" in facts
    assert "截至本告知书作出之日，仍有2名劳动者的工资共计人民币22,000.00元（大写：贰万贰仟元整）未支付。" in facts
    assert intended == (
        "根据《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条的规定，本机关拟作出如下行政处理决定："
        "责令你单位向下列劳动者支付所欠工资，并按应付金额50%的标准向劳动者加付赔偿金。"
    )
    assert "陈述、申辩" in defence


def test_prior_notice_gives_the_bureau_s_defence_period_and_no_rights_of_review() -> None:
    case = noticed(owing("12000.00"))
    ctx = prior_notice(case)
    defence = ctx.paragraphs[2]
    assert "可自收到本告知书之日起3个工作日内向本机关提出陈述、申辩意见" in defence
    assert "逾期未提出的，视为放弃陈述、申辩的权利。" in defence
    assert ctx.rights == []
    assert "行政复议" not in everything(ctx) and "行政诉讼" not in everything(ctx)
    five = prior_notice(case, bureau=BUREAU.model_copy(update={"decision_defense_working_days": 5}))
    assert "可自收到本告知书之日起5个工作日内" in five.paragraphs[2] and "3个工作日" not in body(five)


def test_prior_notice_of_an_unserved_or_missing_order() -> None:
    unserved = owing("12000.00").model_copy(update={"notices": [served_notice(method=None)]})
    facts = prior_notice(noticed(unserved)).paragraphs[0]
    assert f"本机关于2026年11月22日作出《劳动保障监察限期改正指令书》（{ORDER_DOC}），责令你单位" in facts
    none = owing("12000.00").model_copy(update={"notices": [], "order_due": None})
    facts = prior_notice(noticed(none)).paragraphs[0]
    assert "本机关已责令你单位限期足额支付上述工资。你单位逾期未足额支付" in facts


def test_prior_notice_needs_the_proposed_decision() -> None:
    with pytest.raises(ValueError, match="行政处理事先告知书"):
        prior_notice(owing("12000.00"))


def test_prior_notice_to_the_general_contractor() -> None:
    case = noticed(owing("12000.00").model_copy(update={"order_addressee": "general_contractor"}))
    ctx = prior_notice(case)
    assert ctx.addressee == GC
    facts = ctx.paragraphs[0]
    assert facts.startswith("经调查，你单位系“小店区某住宅项目”的施工总承包单位，")
    assert f"该项目分包单位{EMPLOYER}拖欠1名劳动者" in facts
    assert "先行清偿上述工资。你单位逾期未先行清偿" in facts
    assert ctx.legal_basis == BASIS


def test_the_service_of_a_prior_notice_is_proved_to_its_addressee() -> None:
    subject = served_notice(NoticeKind.DECISION_NOTICE, doc_number=PRIOR_DOC)
    case = noticed(owing("12000.00"))
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, case, subject=subject, doc_number=f"{PRIOR_DOC}-送")
    assert ctx.addressee == EMPLOYER and ctx.served_title == "行政处理事先告知书"
    assert ctx.served_doc_number == PRIOR_DOC


# --- the decision -------------------------------------------------------------------------------------


def test_decision_cites_exactly_article_26_and_article_85() -> None:
    ctx = decision(decided(owing("12000.00", "12000.00")))
    assert ctx.title == "行政处理决定书" and ctx.subtitle == "" and ctx.due is None
    assert ctx.legal_basis == BASIS
    assert sorted(set(CITATION.findall(body(ctx)))) == sorted(BASIS)
    # the rights cite the review and litigation laws and the court's enforcement, nothing else
    assert sorted(set(CITATION.findall("".join(ctx.rights)))) == sorted(
        ["《中华人民共和国行政复议法》第二十条", "《中华人民共和国行政诉讼法》第四十六条", ENFORCEMENT_LAW]
    )


def test_decision_states_facts_procedure_and_the_decision() -> None:
    ctx = decision(decided(owing("11000.00", "333.33"), "0.50"))
    assert ctx.addressee == EMPLOYER
    facts, procedure, decided_ = ctx.paragraphs
    assert f"向你单位送达《劳动保障监察限期改正指令书》（{ORDER_DOC}）" in facts
    assert "于2026年12月5日前（含当日）足额支付上述工资" in facts
    assert (
        "截至本决定书作出之日，仍有2名劳动者的工资共计人民币11,333.33元（大写：壹万壹仟叁佰叁拾叁元叁角叁分）未支付"
        in facts
    )
    assert procedure.startswith(f"本机关于2026年11月23日向你单位送达《行政处理事先告知书》（{PRIOR_DOC}），")
    assert "陈述、申辩权利" in procedure
    assert decided_ == (
        "根据《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条的规定，本机关决定："
        "责令你单位自收到本决定书之日起15日内，向下列劳动者支付所欠工资，并按应付金额50%的标准向劳动者加付赔偿金，"
        "并书面报告支付情况。"
    )
    ten = decision(decided(owing("100.00")), bureau=BUREAU.model_copy(update={"decision_compliance_days": 10}))
    assert "自收到本决定书之日起10日内" in ten.paragraphs[2] and "15日" not in body(ten)


def test_decision_without_a_defence() -> None:
    procedure = decision(decided(owing("12000.00"))).paragraphs[1]
    assert procedure.endswith(NO_DEFENCE)


def test_decision_names_who_defended_never_what_they_said() -> None:
    said = f"法定代表人王某某（身份证{make_id(7)}，电话13812345678）称已支付部分工资，有转账记录"
    defenses = [
        defense("太原市某建筑劳务有限公司", said),
        defense("太原市某建筑劳务有限公司", "补充意见"),
        defense("某建设集团有限公司"),
    ]
    ctx = decision(decided(owing("12000.00"), defenses=defenses))
    procedure = ctx.paragraphs[1]
    assert NO_DEFENCE not in procedure
    assert "本机关收到太原市某建筑劳务有限公司、某建设集团有限公司提出的陈述、申辩意见，经复核，" in procedure
    assert procedure.endswith("维持拟定的加付赔偿金标准。")
    dumped = everything(ctx)
    for words in (said, "转账记录", "补充意见", "从轻处理", make_id(7), "13812345678", "王某某"):
        assert words not in dumped


def test_decision_after_a_defence_says_how_the_rate_changed() -> None:
    case = decided(owing("12000.00"), "0.50", proposed="0.75", defenses=[defense("太原市某建筑劳务有限公司")])
    ctx = decision(case)
    assert "经复核，加付赔偿金的标准由拟定的应付金额75%调整为50%。" in ctx.paragraphs[1]
    assert "按应付金额50%的标准" in ctx.paragraphs[2]


def test_decision_has_the_rights_clause_and_the_court_s_enforcement() -> None:
    ctx = decision(decided(owing("12000.00")))
    assert ctx.rights == [rights_clause(NoticeKind.DECISION, BUREAU), ENFORCEMENT]
    assert ctx.rights[0] == (
        "依照《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条的规定，"
        f"如不服本决定书，可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"
    )


def test_decision_to_the_general_contractor() -> None:
    case = decided(owing("12000.00").model_copy(update={"order_addressee": "general_contractor"}))
    ctx = decision(case)
    assert ctx.addressee == GC and ctx.legal_basis == BASIS
    assert "施工总承包单位" in ctx.paragraphs[0] and "逾期未先行清偿" in ctx.paragraphs[0]


@pytest.mark.parametrize(
    "update",
    [
        {"decision": None},
        {"decision": DecisionTrack(proposed_rate=Decimal("0.50"), proposed_at=PROPOSED_AT)},
    ],
)
def test_decision_needs_the_decision_made(update: dict[str, object]) -> None:
    case = owing("12000.00").model_copy(update=update)
    with pytest.raises(ValueError, match="行政处理决定书"):
        decision(case)


@pytest.mark.parametrize("kind", [NoticeKind.DECISION_NOTICE, NoticeKind.DECISION])
def test_no_full_id_or_phone_anywhere(kind: NoticeKind) -> None:
    case = owing("12000.00", "12000.00", "12000.00")
    case = decided(case, defenses=[defense("某公司", f"身份证{make_id(9)}，电话13812345678")])
    ctx = build_context(kind, case, bureau=BUREAU, doc_number=PRIOR_DOC, issued_on=ISSUED)
    dumped = everything(ctx)
    for i in (1, 2, 3, 9):
        assert make_id(i) not in dumped
    assert "13812345678" not in dumped and "13900000000" not in dumped
    assert [w.id_masked for w in ctx.workers] == [mask_id(make_id(i)) for i in (1, 2, 3)]


# --- as PDFs ------------------------------------------------------------------------------------------


def test_prior_notice_pdf(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(prior_notice(noticed(owing("11000.00", "333.33"), "0.75")))
    assert pages(pdf) == 1
    text = pdf_text(pdf)
    assert text.index(BUREAU.name) < text.index("行政处理事先告知书") < text.index(PRIOR_DOC) < text.index("经调查")
    for i in (1, 2):
        assert mask_id(make_id(i)) in text and make_id(i) not in text
    for amount in ("11,000.00", "8,250.00", "333.33", "250.00", "11,333.33", "8,500.00", "19,833.33"):
        assert amount in text, amount
    assert "两项共计人民币19,833.33元（大写：壹万玖仟捌佰叁拾叁元叁角叁分）" in text
    assert ARTICLE_26 + "、" + ARTICLE_85 in text
    assert "按应付金额75%的标准" in text and "拟加付赔偿金" in text
    assert "3个工作日内" in text and "视为放弃陈述、申辩的权利" in text
    assert "行政复议" not in text and "强制执行" not in text
    assert text.index("拟作出如下行政处理决定") < text.index("工人1") < text.index("3个工作日内")


def test_decision_pdf(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(decision(decided(owing("11000.00", "333.33"), "0.50")))
    assert pages(pdf) <= 2
    text = pdf_text(pdf)
    assert text.index(BUREAU.name) < text.index("行政处理决定书") < text.index(DECISION_DOC) < text.index("经调查")
    for i in (1, 2):
        assert mask_id(make_id(i)) in text and make_id(i) not in text
    for amount in ("11,000.00", "5,500.00", "333.33", "166.67", "11,333.33", "5,666.67", "17,000.00"):
        assert amount in text, amount
    assert "加付赔偿金人民币5,666.67元（大写：伍仟陆佰陆拾陆元陆角柒分）" in text
    assert "两项共计人民币17,000.00元（大写：壹万柒仟元整）" in text
    assert ARTICLE_26 + "、" + ARTICLE_85 in text
    assert ORDER_DOC in text and PRIOR_DOC in text and squash(NO_DEFENCE) in text
    assert "15日内" in text and "按应付金额50%的标准" in text
    rights_tail = f"可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"
    assert "如不服本决定书，" + rights_tail in text
    assert squash(ENFORCEMENT) in text
    assert text.index("本机关决定") < text.index("工人1") < text.index("如不服本决定书")


def test_markup_in_names_prints_literally(renderer: NoticeRenderer) -> None:
    hostile = '#panic("x") $y$ ]'
    case = owing("12000.00")
    case.workers[0].name = hostile
    case = decided(case, defenses=[defense(hostile)])
    for ctx in (prior_notice(case), decision(case)):
        assert squash(hostile) in pdf_text(renderer.render(ctx))


def crowd(n: int) -> CaseState:
    """A case of ``n`` workers, each still owed 12,345.67, with distinct ID numbers (beyond the 1,000 serials
    of a birth date, the next day)."""
    case = owing("12345.67")
    workers = [
        WorkerState(
            name=f"工人{i}",
            id_number=make_id(i % 1000, born=date(1985, 3, 14) + timedelta(days=i // 1000)),
            claimed_amount=Decimal("12345.67"),
            owed_from=date(2026, 6, 1),
            owed_to=date(2026, 9, 30),
        )
        for i in range(1, n + 1)
    ]
    return case.model_copy(update={"workers": workers})


def tail(pdf: bytes, pages: int = 2) -> tuple[int, str, str]:
    """The number of pages, the text of the first page and the text of the last ``pages`` pages."""
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    first = "".join(reader.pages[0].extract_text().split())
    last = "".join("".join(reader.pages[i].extract_text().split()) for i in range(n - pages, n))
    return n, first, last


def test_a_5000_worker_decision_renders(renderer: NoticeRenderer) -> None:
    case = decided(crowd(5000), "0.50")
    assert len({w.id_number for w in case.workers}) == 5000
    ctx = decision(case)
    assert len(ctx.workers) == 5000
    assert ctx.total_amount == Decimal("61728350.00") and ctx.total_compensation == Decimal("30864200.00")
    started = time.monotonic()
    pdf = renderer.render(ctx)
    assert time.monotonic() - started < 60
    n, first, last = tail(pdf)
    assert 5000 // 40 < n < 5000 // 25  # one line a worker, however large the totals
    assert "行政处理决定书" in first and DECISION_DOC in first and "—1—" in first
    assert f"—{n}—" in last and "身份证号码" in last  # numbered pages, the header repeated
    fifth_thousand = case.workers[-1].id_number
    assert "工人5000" in last and mask_id(fifth_thousand) in last and fifth_thousand not in last
    assert "两项共计人民币92,592,550.00元（大写：玖仟贰佰伍拾玖万贰仟伍佰伍拾元整）" in last
    assert "如不服本决定书" in last and "强制执行" in last


def test_a_5000_worker_prior_notice_renders(renderer: NoticeRenderer) -> None:
    n, _, last = tail(renderer.render(prior_notice(noticed(crowd(5000)))))
    assert 5000 // 40 < n < 5000 // 25
    assert "工人5000" in last and "两项共计人民币92,592,550.00元" in last and "视为放弃陈述、申辩的权利" in last
