"""The administrative penalty's three notices (行政处罚法 2021): the 行政处罚事先告知书 (the fine intended, the
rights to state and defend and, for a large fine, to a hearing), the 听证通知书 (when and where, and how the
hearing is held) and the 行政处罚决定书 (the six items of art. 59), as context and as real PDFs."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from models.case import CaseState
from models.enforcement import Defense, PenaltyBasis, PenaltyTrack
from models.notices import NOTICE_TITLES, Bureau, NoticeContext, NoticeKind
from notices.amounts import amount_in_words
from notices.context import build_context
from notices.enforcement_text import enforcement_clause
from notices.render import NoticeRenderer, payload
from notices.wording import ENFORCEMENT_LAW, RIGHTS_SHORT_NAMES, rights_clause
from rules.penalties import BASES
from tests.builders import make_id, make_uscc
from tests.notices.conftest import (
    BUREAU,
    COURT,
    ISSUED,
    REVIEW_BODY,
    make_case,
    notice_context,
    pdf_text,
    served_notice,
    squash,
)

NOTICE_DOC = "小人社监罚告〔2026〕4号"
HEARING_DOC = "小人社监听〔2026〕1号"
DECISION_DOC = "小人社监罚决〔2026〕2号"
PROPOSED_AT = datetime.fromisoformat("2026-11-06T09:00:00+08:00")
REQUESTED_AT = datetime.fromisoformat("2026-11-09T10:00:00+08:00")
HEARING_AT = datetime.fromisoformat("2026-11-18T01:30:00+00:00")  # 9:30 in Shanghai
HEARING_PLACE = "太原市小店区某路1号三楼听证室"
HELD_AT = datetime.fromisoformat("2026-11-18T09:30:00+08:00")
REVIEWED_AT = datetime.fromisoformat("2026-11-20T10:00:00+08:00")
DISCUSSED_AT = datetime.fromisoformat("2026-11-20T16:00:00+08:00")
DECIDED_AT = datetime.fromisoformat("2026-11-21T15:00:00+08:00")
EMPLOYER = f"太原市某建筑劳务有限公司（统一社会信用代码：{make_uscc(1)}）"
EMPLOYER_ADDRESS = "太原市小店区某街88号"

ART_30 = "《劳动保障监察条例》第三十条"
DEFENCE_LAW = "《中华人民共和国行政处罚法》第四十四条、第四十五条"
HEARING_RIGHT_LAW = "《中华人民共和国行政处罚法》第六十三条、第六十四条"
HEARING_LAW = "《中华人民共和国行政处罚法》第六十四条"
PAYMENT_LAW = "《中华人民共和国行政处罚法》第六十七条"
REVIEW_LAW = "《中华人民共和国行政复议法》第二十条"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》第四十六条"
NUMBER = "[一二三四五六七八九十百]+"
CITATION = re.compile(rf"《[^》]+》第{NUMBER}条(?:、第{NUMBER}条)*")
"""A citation of one law, with all its articles: 《…》第四十四条、第四十五条."""

DEFENCE = (
    "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你单位依法享有陈述、申辩的权利。"
    "如有异议，可自收到本告知书之日起3个工作日内向本机关提出陈述、申辩意见，并提交相关证据材料；"
    "逾期未提出的，视为放弃陈述、申辩的权利。本机关将对你单位提出的事实、理由和证据进行复核，"
    "不得因你单位陈述、申辩而给予更重的处罚。"
)
HEARING_RIGHT = (
    "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你单位有要求听证的权利。"
    "如要求听证，应当自收到本告知书之日起五日内向本机关提出；逾期未提出的，视为放弃听证权利。"
)
FACTS = (
    "经本机关立案调查（案号：小人社监案〔2026〕7号），你单位存在无理抗拒、阻挠劳动保障监察，"
    "不按照要求报送书面材料、隐瞒事实真相，或者拒不履行行政处理决定的违法行为。"
)
ENFORCEMENT = (
    "你单位在法定期限内不申请行政复议、不提起行政诉讼，又不履行本决定的，"
    "本机关将依照《中华人民共和国行政强制法》第五十三条的规定申请人民法院强制执行。"
)


# --- cases as the workflow holds them ---------------------------------------------------------------


def proposed(
    amount: str = "20000.00",
    *,
    basis: PenaltyBasis = PenaltyBasis.INSPECTION_ART30,
    hearing_right: bool = True,
    **case_overrides: Any,
) -> CaseState:
    """When the workflow asks for the 行政处罚事先告知书: the fine proposed, its notice not yet issued."""
    track = PenaltyTrack(
        basis=basis, proposed_amount=Decimal(amount), proposed_at=PROPOSED_AT, hearing_right=hearing_right
    )
    return make_case(**case_overrides).model_copy(update={"penalty": track, "notices": []})


def noticed(case: CaseState) -> CaseState:
    """The prior notice issued and served (2026-11-23 in the shared fixture)."""
    assert case.penalty is not None
    prior = served_notice(NoticeKind.PENALTY_NOTICE, doc_number=NOTICE_DOC)
    track = case.penalty.model_copy(update={"prior_notice_id": prior.notice_id})
    return case.model_copy(update={"penalty": track, "notices": [*case.notices, prior]})


def hearing_set(case: CaseState, place: str | None = HEARING_PLACE) -> CaseState:
    """When the workflow asks for the 听证通知书: the hearing asked for, its time and place set."""
    assert case.penalty is not None
    update = {"hearing_requested_at": REQUESTED_AT, "hearing_at": HEARING_AT, "hearing_place": place}
    return case.model_copy(update={"penalty": case.penalty.model_copy(update=update)})


def imposed(
    case: CaseState,
    amount: str | None = None,
    *,
    held: bool = False,
    defenses: Sequence[Defense] = (),
    discussed: bool = False,
) -> CaseState:
    """When the workflow asks for the 行政处罚决定书: reviewed (法制审核), perhaps heard and discussed, the fine
    imposed (the proposed one unless ``amount`` says otherwise)."""
    track = case.penalty
    assert track is not None
    update: dict[str, Any] = {
        "defenses": list(defenses),
        "legal_review_at": REVIEWED_AT,
        "legal_review": "事实清楚，证据确凿，适用依据正确，程序合法",
        "decided_at": DECIDED_AT,
        "imposed": True,
        "amount": Decimal(amount) if amount else track.proposed_amount,
        "reason": "当事人拒不改正",
    }
    if held:
        update.update(
            hearing_requested_at=REQUESTED_AT,
            hearing_at=HEARING_AT,
            hearing_place=HEARING_PLACE,
            hearing_held_at=HELD_AT,
            hearing_record="当事人到场陈述",
        )
    if discussed:
        update.update(collective_discussion_at=DISCUSSED_AT, collective_discussion="同意处以罚款")
    return case.model_copy(update={"penalty": track.model_copy(update=update)})


def defense(party: str, text: str = "我单位已积极配合调查，请求免予处罚。") -> Defense:
    return Defense(party=party, text=text, at=PROPOSED_AT + timedelta(days=2), recorded_by="inspector-1")


def penalty_notice(case: CaseState, bureau: Bureau = BUREAU) -> NoticeContext:
    return notice_context(NoticeKind.PENALTY_NOTICE, case, bureau=bureau, doc_number=NOTICE_DOC)


def hearing_notice(case: CaseState) -> NoticeContext:
    return notice_context(NoticeKind.HEARING_NOTICE, case, doc_number=HEARING_DOC)


def penalty_decision(case: CaseState, bureau: Bureau = BUREAU) -> NoticeContext:
    return notice_context(NoticeKind.PENALTY_DECISION, case, bureau=bureau, doc_number=DECISION_DOC)


def body(ctx: NoticeContext) -> str:
    return "".join(ctx.paragraphs)


def cited(text: str) -> list[str]:
    return sorted(set(CITATION.findall(text)))


def everything(ctx: NoticeContext) -> str:
    return json.dumps(ctx.model_dump(mode="json"), ensure_ascii=False)


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- the 行政处罚事先告知书 -------------------------------------------------------------------------------


def test_penalty_notice_cites_exactly_the_provision_and_articles_44_45_63_64() -> None:
    ctx = penalty_notice(proposed())
    assert ctx.title == NOTICE_TITLES[NoticeKind.PENALTY_NOTICE] == "行政处罚事先告知书"
    assert ctx.subtitle == "" and ctx.due is None and ctx.workers == [] and ctx.total_amount is None
    assert ctx.legal_basis == [ART_30, DEFENCE_LAW, HEARING_RIGHT_LAW]
    assert cited(body(ctx)) == sorted(ctx.legal_basis)
    assert ctx.rights == []
    for absent in ("行政复议", "行政诉讼", "强制执行", "第五十九条", "第六十七条", "加付赔偿金"):
        assert absent not in everything(ctx), absent


def test_penalty_notice_states_facts_provision_and_the_fine_in_figures_and_words() -> None:
    ctx = penalty_notice(proposed("12345.60"))
    assert ctx.addressee == EMPLOYER
    facts, intended, defence, hearing = ctx.paragraphs
    assert facts == FACTS
    assert intended == (
        "根据《劳动保障监察条例》第三十条的规定，本机关拟对你单位作出如下行政处罚："
        "罚款人民币12,345.60元（大写：壹万贰仟叁佰肆拾伍元陆角）。"
    )
    assert amount_in_words(Decimal("12345.60")) == "壹万贰仟叁佰肆拾伍元陆角"
    assert defence == DEFENCE
    assert hearing == HEARING_RIGHT


def test_penalty_notice_without_a_case_number_still_states_the_investigation() -> None:
    case = proposed().model_copy(update={"case_number": None})
    assert penalty_notice(case).paragraphs[0].startswith("经本机关调查，你单位存在无理抗拒")


@pytest.mark.parametrize("basis", list(PenaltyBasis))
def test_penalty_notice_rests_on_the_chosen_provision(basis: PenaltyBasis) -> None:
    rule = BASES[basis]
    ctx = penalty_notice(proposed(f"{rule.minimum:.2f}", basis=basis))
    assert ctx.legal_basis[0] == rule.citation
    assert f"你单位存在{rule.conduct}的违法行为。" in ctx.paragraphs[0]
    assert f"根据{rule.citation}的规定，本机关拟对你单位作出如下行政处罚：罚款人民币" in ctx.paragraphs[1]
    others = [BASES[b].citation for b in PenaltyBasis if b != basis]
    assert not any(other in body(ctx) for other in others)


def test_hearing_right_paragraph_only_with_the_right() -> None:
    without = penalty_notice(proposed("5000.00", hearing_right=False))
    assert len(without.paragraphs) == 3 and HEARING_RIGHT not in without.paragraphs
    assert without.legal_basis == [ART_30, DEFENCE_LAW]
    assert cited(body(without)) == sorted([ART_30, DEFENCE_LAW])
    assert "听证" not in everything(without) and "第六十三条" not in everything(without)
    with_right = penalty_notice(proposed("20000.00", hearing_right=True))
    assert with_right.paragraphs[-1] == HEARING_RIGHT and HEARING_RIGHT_LAW in with_right.legal_basis


def test_defence_period_is_the_bureau_s() -> None:
    case = proposed()
    assert "可自收到本告知书之日起3个工作日内" in penalty_notice(case).paragraphs[2]
    five = penalty_notice(case, BUREAU.model_copy(update={"decision_defense_working_days": 5}))
    assert "可自收到本告知书之日起5个工作日内向本机关提出陈述、申辩意见" in five.paragraphs[2]
    assert "3个工作日" not in body(five)
    assert "五日内" in five.paragraphs[3]  # the hearing request period is the law's, not configurable


def test_the_fine_is_the_employer_s_even_when_the_order_went_to_the_general_contractor() -> None:
    case = proposed().model_copy(update={"order_addressee": "general_contractor"})
    for ctx in (
        penalty_notice(case),
        hearing_notice(hearing_set(noticed(case))),
        penalty_decision(imposed(noticed(case))),
    ):
        assert ctx.addressee == EMPLOYER, ctx.kind
        assert "某建设集团有限公司" not in everything(ctx) and "施工总承包" not in body(ctx)


def test_penalty_notice_needs_the_proposed_penalty() -> None:
    with pytest.raises(ValueError, match="行政处罚事先告知书"):
        penalty_notice(proposed().model_copy(update={"penalty": None}))


def test_the_service_of_a_penalty_notice_is_proved_to_the_employer() -> None:
    case = noticed(proposed()).model_copy(update={"order_addressee": "general_contractor"})
    subject = case.notices[-1]
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, case, subject=subject, doc_number=f"{NOTICE_DOC}-送")
    assert ctx.addressee == EMPLOYER and ctx.served_title == "行政处罚事先告知书"
    assert ctx.served_doc_number == NOTICE_DOC


# --- the 听证通知书 ------------------------------------------------------------------------------------


def test_hearing_notice_cites_exactly_article_64() -> None:
    ctx = hearing_notice(hearing_set(noticed(proposed())))
    assert ctx.title == "听证通知书" and ctx.addressee == EMPLOYER
    assert ctx.legal_basis == [HEARING_LAW]
    assert cited(body(ctx)) == [HEARING_LAW]
    assert ctx.rights == [] and "行政复议" not in everything(ctx)


def test_hearing_notice_states_the_request_time_and_place_and_how_it_is_held() -> None:
    ctx = hearing_notice(hearing_set(noticed(proposed())))
    request, when, public, chair, agents, defence, absence = ctx.paragraphs
    assert request == (
        f"本机关于2026年11月23日向你单位送达《行政处罚事先告知书》（{NOTICE_DOC}），"
        "拟对你单位处以罚款人民币20,000.00元（大写：贰万元整）。你单位于2026年11月9日向本机关提出听证申请。"
    )
    # the hearing's time in Shanghai (01:30 UTC), and its place as scheduled
    assert when == (
        "根据《中华人民共和国行政处罚法》第六十四条的规定，本机关定于2026年11月18日9时30分"
        f"在{HEARING_PLACE}举行听证。现将有关事项通知如下："
    )
    assert public == "一、除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，听证公开举行。"
    assert "有权申请回避" in chair and "非本案调查人员主持" in chair
    assert agents == "三、你单位可以亲自参加听证，也可以委托一至二人代理。"
    assert "申辩和质证" in defence
    assert absence == (
        "五、你单位及其代理人无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利，本机关终止听证。"
    )


def test_hearing_notice_without_a_recorded_prior_notice() -> None:
    request = hearing_notice(hearing_set(proposed())).paragraphs[0]
    assert request.startswith("本机关拟对你单位处以罚款人民币20,000.00元（大写：贰万元整）。你单位于2026年11月9日")


def test_hearing_place_is_scrubbed() -> None:
    ctx = hearing_notice(hearing_set(proposed(), place="听证室（联系人电话13812345678）"))
    assert "13812345678" not in everything(ctx) and "138****5678" in ctx.paragraphs[1]


@pytest.mark.parametrize(
    ("update", "words"),
    [
        ({"hearing_place": None}, "时间和地点"),
        ({"hearing_place": "  "}, "时间和地点"),
        ({"hearing_at": None}, "时间和地点"),
        ({"hearing_requested_at": None}, "申请听证"),
    ],
)
def test_hearing_notice_needs_the_request_the_time_and_the_place(update: dict[str, Any], words: str) -> None:
    case = hearing_set(noticed(proposed()))
    assert case.penalty is not None
    case = case.model_copy(update={"penalty": case.penalty.model_copy(update=update)})
    with pytest.raises(ValueError, match=words):
        hearing_notice(case)
    with pytest.raises(ValueError, match="听证通知书"):
        hearing_notice(case.model_copy(update={"penalty": None}))


# --- the 行政处罚决定书 -----------------------------------------------------------------------------------


def with_address(case: CaseState, address: str | None = EMPLOYER_ADDRESS) -> CaseState:
    return case.model_copy(update={"employer": case.employer.model_copy(update={"address": address})})


def test_penalty_decision_cites_exactly_the_provision_and_article_67() -> None:
    ctx = penalty_decision(imposed(noticed(proposed())))
    assert ctx.title == "行政处罚决定书" and ctx.subtitle == "" and ctx.due is None
    assert ctx.legal_basis == [ART_30, PAYMENT_LAW]
    assert cited(body(ctx)) == sorted([ART_30, PAYMENT_LAW])
    assert cited("".join(ctx.rights)) == sorted([REVIEW_LAW, LITIGATION_LAW, ENFORCEMENT_LAW])
    assert RIGHTS_SHORT_NAMES[NoticeKind.PENALTY_DECISION] == "决定书"
    assert NoticeKind.PENALTY_NOTICE not in RIGHTS_SHORT_NAMES and NoticeKind.HEARING_NOTICE not in RIGHTS_SHORT_NAMES


def test_penalty_decision_has_the_six_items_of_article_59() -> None:
    ctx = penalty_decision(with_address(imposed(noticed(proposed("15000.00")), held=True)))
    facts, procedure, decision, payment = ctx.paragraphs
    # (一) the party's name and address
    assert ctx.addressee == EMPLOYER and ctx.party_address == EMPLOYER_ADDRESS
    assert payload(ctx)["party_address"] == EMPLOYER_ADDRESS
    # (二) the facts and the evidence
    assert facts == FACTS + "以上事实，有调查询问笔录等证据为证。"
    # (三) the penalty and its basis, the fine in figures and 大写
    assert decision == (
        "根据《劳动保障监察条例》第三十条的规定，本机关决定对你单位作出如下行政处罚："
        "罚款人民币15,000.00元（大写：壹万伍仟元整）。"
    )
    # (四) how and by when to pay
    assert payment == (
        "根据《中华人民共和国行政处罚法》第六十七条的规定，你单位应当自收到本决定书之日起十五日内，"
        "到指定的银行或者通过电子支付系统缴纳罚款。"
    )
    # (五) the ways and time limits of review and litigation, and the court's enforcement
    assert ctx.rights == [rights_clause(NoticeKind.PENALTY_DECISION, BUREAU), enforcement_clause()]
    assert ctx.rights[0] == (
        "依照《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条的规定，"
        f"如不服本决定书，可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"
    )
    assert ctx.rights[1] == ENFORCEMENT
    # (六) the bureau and the date: the signature block prints them
    assert ctx.bureau_name == BUREAU.name and ctx.issued_on == ISSUED
    assert procedure.endswith("本案已于2026年11月20日经本机关法制审核。")


def test_penalty_decision_states_the_procedure() -> None:
    ctx = penalty_decision(imposed(noticed(proposed()), held=True, discussed=True))
    procedure = ctx.paragraphs[1]
    assert procedure == (
        f"本机关于2026年11月23日向你单位送达《行政处罚事先告知书》（{NOTICE_DOC}），"
        "告知你单位拟作出行政处罚的内容及事实、理由、依据，以及依法享有的陈述、申辩和要求听证的权利。"
        "应你单位申请，本机关于2026年11月18日依法举行了听证。经复核，维持拟定的罚款数额。"
        "本案已于2026年11月20日经本机关法制审核，并于2026年11月20日经本机关负责人集体讨论决定。"
    )


def test_penalty_decision_without_defence_or_hearing() -> None:
    procedure = penalty_decision(imposed(noticed(proposed()))).paragraphs[1]
    assert "你单位在规定期限内未提出陈述、申辩。你单位在规定期限内未要求听证。" in procedure
    assert "经复核" not in procedure and "集体讨论" not in procedure
    no_right = penalty_decision(imposed(noticed(proposed("5000.00", hearing_right=False))))
    assert "听证" not in body(no_right)
    assert "依法享有的陈述、申辩的权利。你单位在规定期限内未提出陈述、申辩。本案已于" in no_right.paragraphs[1]


def test_penalty_decision_names_who_defended_never_what_they_said() -> None:
    said = f"法定代表人王某某（身份证{make_id(7)}，电话13812345678）称已补报材料，有快递单据"
    defenses = [defense("太原市某建筑劳务有限公司", said), defense("太原市某建筑劳务有限公司", "补充意见")]
    ctx = penalty_decision(imposed(noticed(proposed()), "12000.00", defenses=defenses))
    procedure = ctx.paragraphs[1]
    assert (
        "本机关收到太原市某建筑劳务有限公司提出的陈述、申辩意见，并对其提出的事实、理由和证据进行了复核。" in procedure
    )
    assert "未提出陈述、申辩" not in procedure
    assert (
        "经复核，罚款数额由拟定的人民币20,000.00元（大写：贰万元整）调整为人民币12,000.00元（大写：壹万贰仟元整）。"
        in procedure
    )
    assert "罚款人民币12,000.00元（大写：壹万贰仟元整）" in ctx.paragraphs[2]
    dumped = everything(ctx)
    for words in (said, "快递单据", "补充意见", "免予处罚", make_id(7), "13812345678", "王某某", "当事人拒不改正"):
        assert words not in dumped, words
    assert "事实清楚，证据确凿" not in dumped and "同意处以罚款" not in dumped  # internal opinions stay inside


def test_penalty_decision_of_a_lower_fine_without_defence() -> None:
    procedure = penalty_decision(imposed(noticed(proposed()), "18000.00")).paragraphs[1]
    assert "经审查，罚款数额由拟定的人民币20,000.00元（大写：贰万元整）调整为人民币18,000.00元" in procedure


def test_penalty_decision_without_a_recorded_address_or_prior_notice() -> None:
    ctx = penalty_decision(with_address(imposed(proposed()), None))
    assert ctx.party_address == ""
    assert ctx.paragraphs[1].startswith("本机关已向你单位送达《行政处罚事先告知书》，告知你单位")


@pytest.mark.parametrize(
    ("update", "words"),
    [
        ({"decided_at": None}, "罚款决定"),
        ({"imposed": False}, "罚款决定"),
        ({"amount": None}, "罚款决定"),
        ({"legal_review_at": None}, "法制审核"),
        ({"hearing_held_at": None}, "听证"),
    ],
)
def test_penalty_decision_needs_the_fine_imposed_after_review_and_hearing(update: dict[str, Any], words: str) -> None:
    case = imposed(noticed(proposed()), held=True)
    assert case.penalty is not None
    case = case.model_copy(update={"penalty": case.penalty.model_copy(update=update)})
    with pytest.raises(ValueError, match=words):
        penalty_decision(case)


# --- personal data ------------------------------------------------------------------------------------


def leaky() -> CaseState:
    """Every free text a person typed on the penalty track carries a full ID and a mobile number."""
    leak = f"身份证{make_id(9)}，电话13812345678"
    case = imposed(hearing_set(noticed(proposed())), held=True, defenses=[defense(f"某公司{leak}", leak)])
    assert case.penalty is not None
    track = case.penalty.model_copy(update={"hearing_place": f"听证室{leak}", "reason": leak})
    return with_address(case.model_copy(update={"penalty": track}), f"某路1号{leak}")


@pytest.mark.parametrize("kind", [NoticeKind.PENALTY_NOTICE, NoticeKind.HEARING_NOTICE, NoticeKind.PENALTY_DECISION])
def test_no_full_id_or_phone_anywhere(renderer: NoticeRenderer, kind: NoticeKind) -> None:
    ctx = build_context(kind, leaky(), bureau=BUREAU, doc_number=DECISION_DOC, issued_on=ISSUED)
    text = pdf_text(renderer.render(ctx))
    for out in (everything(ctx), text):
        for i in (1, 2, 9):
            assert make_id(i) not in out
        assert "13812345678" not in out and "13900000000" not in out
        assert "工人1" not in out  # a fine lists no workers


# --- as PDFs ------------------------------------------------------------------------------------------


def test_penalty_notice_pdf(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(penalty_notice(proposed("12345.60")))
    assert pages(pdf) == 1
    text = pdf_text(pdf)
    assert text.index(BUREAU.name) < text.index("行政处罚事先告知书") < text.index(NOTICE_DOC)
    assert text.index(NOTICE_DOC) < text.index(squash(EMPLOYER)) < text.index("经本机关立案调查")
    assert "罚款人民币12,345.60元（大写：壹万贰仟叁佰肆拾伍元陆角）" in text
    for words in (ART_30, DEFENCE_LAW, HEARING_RIGHT_LAW, squash(DEFENCE), squash(HEARING_RIGHT)):
        assert words in text, words
    assert text.index(ART_30) < text.index("拟对你单位作出如下行政处罚")
    assert "行政复议" not in text and "强制执行" not in text
    assert "（印章）" in text and "2026年11月22日" in text
    no_right = pdf_text(renderer.render(penalty_notice(proposed("5000.00", hearing_right=False))))
    assert "听证" not in no_right and "罚款人民币5,000.00元（大写：伍仟元整）" in no_right


def test_hearing_notice_pdf(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(hearing_notice(hearing_set(noticed(proposed()))))
    assert pages(pdf) == 1
    text = pdf_text(pdf)
    assert text.index(BUREAU.name) < text.index("听证通知书") < text.index(HEARING_DOC) < text.index("本机关于")
    assert NOTICE_DOC in text and "罚款人民币20,000.00元（大写：贰万元整）" in text
    assert "你单位于2026年11月9日向本机关提出听证申请" in text
    assert f"本机关定于2026年11月18日9时30分在{HEARING_PLACE}举行听证" in text
    assert HEARING_LAW in text and "委托一至二人代理" in text and "有权申请回避" in text
    assert "视为放弃听证权利" in text
    assert "行政复议" not in text and "（印章）" in text


def test_penalty_decision_pdf(renderer: NoticeRenderer) -> None:
    defenses = [defense("太原市某建筑劳务有限公司", "我方不服，有证人李某某为证")]
    case = with_address(imposed(noticed(proposed()), "15000.00", held=True, defenses=defenses, discussed=True))
    pdf = renderer.render(penalty_decision(case))
    assert pages(pdf) <= 2
    text = pdf_text(pdf)
    assert text.index(BUREAU.name) < text.index("行政处罚决定书") < text.index(DECISION_DOC)
    # (一) the party block, in place of the addressee line
    party = f"当事人：{squash(EMPLOYER)}地址：{EMPLOYER_ADDRESS}"
    assert party in text and text.index(DECISION_DOC) < text.index(party) < text.index("经本机关立案调查")
    # (二) facts and evidence
    assert squash(FACTS) in text and "以上事实，有调查询问笔录等证据为证。" in text
    # the procedure
    assert NOTICE_DOC in text and "依法举行了听证" in text and "法制审核" in text and "集体讨论" in text
    assert "本机关收到太原市某建筑劳务有限公司提出的陈述、申辩意见" in text
    assert "李某某" not in text and "我方不服" not in text
    # (三) the fine and its basis, in figures and 大写
    assert "根据《劳动保障监察条例》第三十条的规定，本机关决定对你单位作出如下行政处罚：" in text
    assert "罚款人民币15,000.00元（大写：壹万伍仟元整）。" in text
    # (四) how and by when to pay
    assert "根据《中华人民共和国行政处罚法》第六十七条的规定，你单位应当自收到本决定书之日起十五日内" in text
    assert "到指定的银行或者通过电子支付系统缴纳罚款" in text
    # (五) review, litigation and the court's enforcement
    rights_tail = f"可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"
    assert "如不服本决定书，" + rights_tail in text and squash(ENFORCEMENT) in text
    # (六) the bureau and the date, after everything else, with the place for the seal
    signed = f"{BUREAU.name}（印章）2026年11月22日"
    assert signed in text and text.index("强制执行") < text.index(signed)
    assert text.index("缴纳罚款") < text.index("如不服本决定书") < text.index(signed)
    assert "第五十八条" not in text and "第五十七条" not in text  # the procedure is stated, not cited


def test_markup_in_penalty_fields_prints_literally(renderer: NoticeRenderer) -> None:
    hostile = '#panic("x") $y$ ]'
    case = with_address(
        imposed(hearing_set(noticed(proposed())), held=True, defenses=[defense(hostile)]), f"某路{hostile}"
    )
    assert case.penalty is not None
    case = case.model_copy(update={"penalty": case.penalty.model_copy(update={"hearing_place": hostile})})
    assert squash(hostile) in pdf_text(renderer.render(hearing_notice(case)))
    decision_text = pdf_text(renderer.render(penalty_decision(case)))
    assert squash(f"某路{hostile}") in decision_text and squash(hostile) in decision_text


def test_the_facts_stated_replace_the_provisions_general_conduct() -> None:
    facts = "2026年10月12日拒绝监察员进入施工现场检查，并拒不提供考勤记录（联系人电话13812345678）"
    base = proposed()
    assert base.penalty is not None
    case = base.model_copy(update={"penalty": base.penalty.model_copy(update={"facts": facts})})
    notice = penalty_notice(case)
    first = notice.paragraphs[0]
    assert "查明：2026年10月12日拒绝监察员进入施工现场检查" in first and "138****5678" in first
    assert "13812345678" not in first and BASES[PenaltyBasis.INSPECTION_ART30].conduct not in first
    assert "上述行为违反了《劳动保障监察条例》第三十条的规定" in first
    decided = penalty_decision(imposed(noticed(case)))
    assert "查明：2026年10月12日" in decided.paragraphs[0]
    generic = penalty_notice(proposed()).paragraphs[0]
    assert BASES[PenaltyBasis.INSPECTION_ART30].conduct in generic  # none stated: the provision's words
