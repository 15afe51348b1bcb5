"""What each notice says: addressee, facts, the legal basis before the decision, rights, and never a
full ID or phone."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from models.actions import SERVICE_METHOD_ZH, CloseReason, RejectReason, ServiceMethod
from models.case import CaseState
from models.identity import mask_id
from models.notices import CASE_KINDS, NOTICE_TITLES, Bureau, NoticeContext, NoticeKind
from notices.amounts import amount_in_words
from notices.context import build_context
from notices.wording import (
    ORDER_BASIS,
    RULES_18,
    bureau_region,
    court,
    review_body,
    rights_clause,
    scrub,
    service_receipt_number,
)
from rules.limitation import limitation
from tests.builders import make_id, make_uscc
from tests.notices.conftest import (
    BUREAU,
    COURT,
    DOC,
    ISSUED,
    ORDER_DOC,
    REVIEW_BODY,
    SUPERVISED,
    make_case,
    notice_context,
    paid_in_full,
    served_notice,
)

COMPLAINANT_KINDS = [
    NoticeKind.ACCEPTANCE,
    NoticeKind.REJECTION,
    NoticeKind.REDIRECTION,
    NoticeKind.SUPPLEMENT,
    NoticeKind.CLOSING,
]
GC = f"某建设集团有限公司（统一社会信用代码：{make_uscc(2)}）"
EMPLOYER = f"太原市某建筑劳务有限公司（统一社会信用代码：{make_uscc(1)}）"
ORDER_DEMAND = (
    "根据《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条的规定，"
    "现责令你单位于2026年12月5日前（含当日）"
)


def context(kind: NoticeKind, **overrides: Any) -> NoticeContext:
    return notice_context(kind, make_case(**overrides))


def case_with(**update: Any) -> CaseState:
    return make_case().model_copy(update=update)


def everything(ctx: NoticeContext) -> str:
    return json.dumps(ctx.model_dump(mode="json"), ensure_ascii=False)


def body(ctx: NoticeContext) -> str:
    return "".join(ctx.paragraphs)


def rights(short: str) -> str:
    return (
        "依照《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条的规定，"
        f"如不服本{short}，可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"
    )


@pytest.mark.parametrize("kind", CASE_KINDS)
def test_common_fields(kind: NoticeKind) -> None:
    ctx = context(kind)
    assert ctx.kind == kind and ctx.title == NOTICE_TITLES[kind]
    assert ctx.bureau_name == BUREAU.name and ctx.doc_number == DOC and ctx.issued_on == ISSUED
    assert ctx.contact == "地址：太原市小店区某路1号　电话：0351-12333"
    assert ctx.subtitle == ("（责令限期支付工资）" if kind == NoticeKind.PAYMENT_ORDER else "")
    for basis in ctx.legal_basis:
        assert basis in body(ctx)  # every citation is printed, in the body


@pytest.mark.parametrize("kind", COMPLAINANT_KINDS)
def test_complainant_notices_go_to_the_complainant(kind: NoticeKind) -> None:
    ctx = context(kind)
    assert ctx.addressee == "张三"
    assert ctx.workers == [] and ctx.total_amount is None and ctx.due is None
    facts = ctx.paragraphs[0]
    assert facts.startswith("你于2026年11月3日向本机关反映，")
    assert f"{EMPLOYER}在“小店区某住宅项目”中拖欠2名劳动者" in facts
    assert "2026年6月1日至2026年9月30日" in facts and "24,000.00" in facts and "贰万肆仟元整" in facts


@pytest.mark.parametrize(
    ("project", "words"),
    [
        ("小店区某住宅项目", "在“小店区某住宅项目”中"),
        ("某路桥工程", "在“某路桥工程”中"),
        ("某小区三期", "在“某小区三期”项目中"),
    ],
)
def test_project_named_without_doubled_words(project: str, words: str) -> None:
    for kind in (NoticeKind.ACCEPTANCE, NoticeKind.PAYMENT_ORDER):
        text = body(context(kind, project={"name": project}))
        assert words in text
        assert "项目”项目" not in text and "工程”项目" not in text


def test_no_project_no_project_clause() -> None:
    ctx = context(NoticeKind.ACCEPTANCE, project=None)
    assert "项目" not in ctx.paragraphs[0]


def test_complaint_facts_keep_the_claimed_amount_after_a_finding() -> None:
    case = make_case()
    for w in case.workers:
        w.confirmed_amount = Decimal("0.00")
    ctx = notice_context(NoticeKind.CLOSING, case.model_copy(update={"close_reason": "no_violation"}))
    assert "金额合计人民币24,000.00元" in ctx.paragraphs[0]


def test_acceptance() -> None:
    ctx = context(NoticeKind.ACCEPTANCE)
    assert ctx.legal_basis == ["《劳动保障监察条例》第九条、第十四条", RULES_18]
    assert (
        "根据《劳动保障监察条例》第九条、第十四条和《关于实施〈劳动保障监察条例〉若干规定》第十八条的规定，"
        "本机关决定予以受理" in ctx.paragraphs[1]
    )
    assert "小人社监案〔2026〕7号" in ctx.paragraphs[1]
    assert ctx.rights == []


# --- refusals, redirections, supplements ---------------------------------------------------------------


def time_barred_case() -> CaseState:
    case = make_case(workers=1)
    case.workers[0].owed_from, case.workers[0].owed_to = date(2024, 3, 1), date(2024, 5, 31)
    barred = limitation(date(2026, 11, 3), [date(2024, 5, 31)])
    assert barred.time_barred
    return case.model_copy(
        update={"rejection_code": "time_barred", "rejection_reason": "超过两年", "limitation": barred}
    )


def test_time_barred_refusal() -> None:
    ctx = notice_context(NoticeKind.REJECTION, time_barred_case())
    assert ctx.legal_basis == ["《劳动保障监察条例》第二十条", RULES_18]
    assert ctx.paragraphs[1] == (
        "经审查，你反映的拖欠工资行为于2024年5月31日终了，至本机关收到投诉之日已超过两年。"
        "根据《劳动保障监察条例》第二十条和《关于实施〈劳动保障监察条例〉若干规定》第十八条的规定，"
        "本机关决定不予受理。"
    )
    assert ctx.rights == [rights("通知书")]


def test_time_barred_refusal_of_a_case_without_a_limitation_computes_it() -> None:
    case = time_barred_case().model_copy(update={"limitation": None})
    assert "于2024年5月31日终了" in notice_context(NoticeKind.REJECTION, case).paragraphs[1]


def test_labour_dispute_refusal_names_arbitration_and_the_court() -> None:
    case = case_with(rejection_code="labour_dispute", rejection_reason="双方对工资标准存在争议，已申请仲裁")
    ctx = notice_context(NoticeKind.REJECTION, case)
    assert ctx.legal_basis == ["《劳动保障监察条例》第二十一条第二款", RULES_18]
    text = ctx.paragraphs[1]
    assert "属于应当通过劳动争议处理程序解决的事项（双方对工资标准存在争议，已申请仲裁）" in text
    assert text.index("第二十一条第二款") < text.index("决定不予受理")
    assert "向劳动人事争议仲裁委员会申请仲裁，或者依法向人民法院提起诉讼" in text
    assert ctx.rights == [rights("通知书")]


def test_refusal_without_a_reason_code_keeps_the_generic_wording() -> None:
    ctx = context(NoticeKind.REJECTION)
    assert ctx.legal_basis == [RULES_18]
    assert "理由如下：不属于本机关管辖，请向迎泽区人力资源和社会保障局反映。" in ctx.paragraphs[1]
    assert ctx.paragraphs[1].endswith("本机关决定不予受理。")
    assert ctx.rights == [rights("通知书")]


@pytest.mark.parametrize(
    ("code", "finding"),
    [
        (RejectReason.NOT_IN_REMIT, "不属于劳动保障监察职权范围"),
        (RejectReason.OTHER_TERRITORY, "但不属于本机关管辖"),
    ],
)
def test_redirection_tells_where_to_go_without_rights(code: RejectReason, finding: str) -> None:
    case = case_with(rejection_code=code.value, rejection_reason="请向迎泽区人力资源和社会保障局反映。")
    ctx = notice_context(NoticeKind.REDIRECTION, case)
    assert ctx.title == "告知书" and ctx.addressee == "张三"
    assert ctx.legal_basis == [RULES_18]
    assert finding in ctx.paragraphs[1]
    assert ctx.paragraphs[1].endswith(f"根据{RULES_18}的规定，现告知如下：请向迎泽区人力资源和社会保障局反映。")
    assert ctx.rights == []
    assert "不予受理" not in everything(ctx) and "行政复议" not in everything(ctx)


def test_supplement_lists_what_is_missing_and_restarts_the_period() -> None:
    case = case_with(supplement_missing="劳动合同或者工资欠条的复印件；工作证明。")
    ctx = notice_context(NoticeKind.SUPPLEMENT, case)
    assert ctx.title == "补正通知书" and ctx.legal_basis == [RULES_18] and ctx.rights == []
    assert f"根据{RULES_18}的规定，请你补正以下材料：劳动合同或者工资欠条的复印件；工作证明。" in ctx.paragraphs[1]
    assert ctx.paragraphs[2] == "本机关受理投诉的五个工作日期限，自收到你补正的全部材料之日起重新计算。"


# --- the order to pay ----------------------------------------------------------------------------


def test_payment_order_addresses_the_employer_and_lists_outstanding_amounts() -> None:
    case = make_case(workers=3)
    case.workers[0].paid_amount = Decimal("2000.50")
    case.workers[2].paid_amount = Decimal("12000.00")  # paid in full: not ordered any more
    ctx = notice_context(NoticeKind.PAYMENT_ORDER, case)
    assert ctx.title == "劳动保障监察限期改正指令书" and ctx.subtitle == "（责令限期支付工资）"
    assert ctx.addressee == EMPLOYER
    assert [(w.name, w.id_masked, w.amount) for w in ctx.workers] == [
        ("工人1", mask_id(make_id(1)), Decimal("9999.50")),
        ("工人2", mask_id(make_id(2)), Decimal("12000.00")),
    ]
    assert ctx.total_amount == case.outstanding == Decimal("21999.50")
    assert ctx.due == case.order_due
    facts, demand, warning = ctx.paragraphs
    assert "你单位在“小店区某住宅项目”中拖欠3名劳动者" in facts
    assert "36,000.00" in facts and "截至本指令书作出之日尚有人民币21,999.50元" in facts
    assert amount_in_words(Decimal("21999.50")) in facts
    assert demand.startswith(ORDER_DEMAND) and "足额支付下列劳动者的工资" in demand
    for words in ("加付赔偿金", "百分之五十以上百分之一百以下", "失信联合惩戒", "拒不支付劳动报酬罪"):
        assert words in warning
    assert ctx.rights == [rights("指令书")]


def test_payment_order_names_the_duty_violated_and_the_power_before_the_demand() -> None:
    ctx = context(NoticeKind.PAYMENT_ORDER)
    facts, demand = ctx.paragraphs[0], ctx.paragraphs[1]
    assert facts.endswith(
        "违反了《保障农民工工资支付条例》第三条、第十二条、第十六条和《中华人民共和国劳动法》第五十条的规定。"
    )
    assert "至今未支付" in facts
    assert demand.index("《劳动保障监察条例》第二十六条") < demand.index("现责令你单位")
    assert ctx.legal_basis == [
        *ORDER_BASIS,
        "《保障农民工工资支付条例》第三条、第十二条、第十六条",
        "《中华人民共和国劳动法》第五十条",
    ]
    dumped = everything(ctx)
    assert "第五十四条" not in dumped and "第五十五条" not in dumped


def test_payment_order_to_the_general_contractor() -> None:
    ctx = notice_context(NoticeKind.PAYMENT_ORDER, case_with(order_addressee="general_contractor"))
    assert ctx.addressee == GC
    facts, demand, warning = ctx.paragraphs
    assert facts.startswith("经调查，你单位系“小店区某住宅项目”的施工总承包单位。")
    assert f"该项目分包单位{EMPLOYER}拖欠2名劳动者" in facts
    assert "根据《保障农民工工资支付条例》第三十条的规定，上述工资由你单位先行清偿，再依法进行追偿。" in facts
    assert demand.startswith(ORDER_DEMAND) and "先行清偿下列劳动者的工资" in demand
    assert "加付赔偿金" not in warning  # 加付赔偿金 is the employer's (条例 art. 26)
    assert "《保障农民工工资支付条例》第三十条" in ctx.legal_basis
    assert [w.name for w in ctx.workers] == ["工人1", "工人2"]
    assert "第五十四条" not in everything(ctx) and "第五十五条" not in everything(ctx)


def test_order_to_a_general_contractor_the_project_lacks_goes_to_the_employer() -> None:
    case = make_case(project={"name": "某小区"}).model_copy(update={"order_addressee": "general_contractor"})
    assert notice_context(NoticeKind.PAYMENT_ORDER, case).addressee == EMPLOYER


def test_payment_order_counts_only_workers_found_owed() -> None:
    case = make_case(workers=3)
    case.workers[2].confirmed_amount = Decimal("0.00")
    ctx = notice_context(NoticeKind.PAYMENT_ORDER, case)
    assert "拖欠2名劳动者" in ctx.paragraphs[0] and "24,000.00" in ctx.paragraphs[0]


# --- the rights clause -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "short"),
    [(NoticeKind.PAYMENT_ORDER, "指令书"), (NoticeKind.REJECTION, "通知书"), (NoticeKind.CLOSING, "通知书")],
)
def test_rights_clause_names_the_review_body_and_the_court(kind: NoticeKind, short: str) -> None:
    ctx = context(kind)
    assert ctx.rights == [rights(short)]
    assert (
        f"如不服本{short}，可在收到之日起六十日内向太原市小店区人民政府申请行政复议，"
        "或者在六个月内向太原市小店区人民法院提起行政诉讼。" in ctx.rights[0]
    )


@pytest.mark.parametrize("kind", [NoticeKind.ACCEPTANCE, NoticeKind.REDIRECTION, NoticeKind.SUPPLEMENT])
def test_no_rights_clause_where_nothing_is_decided_against_anyone(kind: NoticeKind) -> None:
    assert context(kind).rights == []


def test_configured_review_body_and_court_win() -> None:
    bureau = BUREAU.model_copy(update={"review_body": "太原市人民政府", "court": "太原铁路运输法院"})
    clause = rights_clause(NoticeKind.CLOSING, bureau)
    assert "向太原市人民政府申请行政复议" in clause and "向太原铁路运输法院提起行政诉讼" in clause


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("太原市小店区人力资源和社会保障局", "太原市小店区"),
        ("阳泉市人力资源和社会保障局", "阳泉市"),
        ("清徐县人力资源和社会保障局", "清徐县"),
        ("太原市小店区劳动保障监察大队", "太原市小店区"),
        ("山西省人力资源和社会保障厅", "山西省"),
        ("140105劳动保障监察机构", ""),
        ("某某人社局", ""),
    ],
)
def test_region_from_the_bureau_name(name: str, region: str) -> None:
    bureau = Bureau(name=name, abbr="x", region_code="140105")
    assert bureau_region(bureau) == region
    assert review_body(bureau) == (f"{region}人民政府" if region else "本机关同级人民政府")
    assert court(bureau) == (f"{region}人民法院" if region else "有管辖权的人民法院")


def test_default_bureau_names_its_review_body_and_court() -> None:
    from config.settings import DEFAULT_BUREAUS

    bureau = DEFAULT_BUREAUS[0]
    assert (bureau.review_body, bureau.court) == (REVIEW_BODY, COURT)
    assert review_body(bureau) == REVIEW_BODY and court(bureau) == COURT


# --- closing -------------------------------------------------------------------------------------------


def closing(reason: str, case: CaseState | None = None) -> NoticeContext:
    case = (case or make_case()).model_copy(update={"close_reason": reason})
    return notice_context(NoticeKind.CLOSING, case)


def nothing_owed() -> CaseState:
    case = make_case()
    for w in case.workers:
        w.confirmed_amount = Decimal("0.00")
    return case


def test_closing_cleared_states_the_amount_paid_in_full() -> None:
    ctx = closing("cleared", paid_in_full(make_case()))
    assert ctx.legal_basis == ["《劳动保障监察条例》第十八条第一款第（二）项"]
    text = ctx.paragraphs[1]
    assert "经本机关责令改正，上述欠薪已全部清偿，共计人民币24,000.00元（大写：贰万肆仟元整）" in text
    assert text.index("第十八条第一款第（二）项") < text.index("决定对该案予以结案")
    assert ctx.rights == [rights("通知书")]


def test_closing_cleared_after_an_order_names_it() -> None:
    case = paid_in_full(make_case()).model_copy(update={"notices": [served_notice()]})
    assert f"经本机关责令限期支付（{ORDER_DOC}），上述欠薪已全部清偿" in closing("cleared", case).paragraphs[1]


def test_closing_no_violation_never_speaks_of_payment() -> None:
    ctx = closing("no_violation", nothing_owed())
    assert ctx.legal_basis == ["《劳动保障监察条例》第十八条"]
    assert "经调查，未发现被投诉单位存在拖欠工资的违法行为。根据《劳动保障监察条例》第十八条的规定" in ctx.paragraphs[1]
    for words in ("清偿", "支付", "人民币"):
        assert words not in ctx.paragraphs[1] + "".join(ctx.rights)
    assert ctx.rights == [rights("通知书")]


def test_closing_cleared_with_nothing_owed_is_worded_as_no_violation() -> None:
    ctx = closing("cleared", nothing_owed())
    assert "清偿" not in everything(ctx) and "未发现" in ctx.paragraphs[1]


def test_closing_cleared_with_money_outstanding_claims_no_clearing() -> None:
    ctx = closing("cleared")  # refused by the rules; the notice must still not lie
    assert "清偿" not in everything(ctx)
    assert "尚有工资人民币24,000.00元（大写：贰万肆仟元整）未支付" in ctx.paragraphs[1]


def test_closing_minor_corrected_revokes_the_case() -> None:
    ctx = closing("minor_corrected", paid_in_full(make_case()))
    assert ctx.legal_basis == ["《劳动保障监察条例》第十八条第一款第（三）项"]
    text = ctx.paragraphs[1]
    assert "情节轻微，且已在调查期间全部支付" in text and text.endswith("本机关决定撤销立案。")
    assert "第十八条第一款第（三）项的规定" in text


def test_closing_transferred() -> None:
    ctx = closing("transferred")
    assert ctx.legal_basis == ["《劳动保障监察条例》第十八条第二款"]
    assert "根据《劳动保障监察条例》第十八条第二款的规定，本机关已将该案移送有关部门处理" in ctx.paragraphs[1]
    assert "清偿" not in everything(ctx)


def test_closing_withdrawn_with_money_outstanding_says_so() -> None:
    case = make_case()
    case.workers[0].paid_amount = Decimal("2000.00")
    ctx = closing("withdrawn", case)
    assert ctx.legal_basis == ["《劳动保障监察条例》第十八条"]
    text = ctx.paragraphs[1]
    assert "你已撤回投诉。根据《劳动保障监察条例》第十八条的规定，本机关决定对该案予以结案。" in text
    assert "已支付工资人民币2,000.00元（大写：贰仟元整），尚有工资人民币22,000.00元（大写：贰万贰仟元整）未支付" in text
    assert "劳动争议仲裁或者诉讼" in text and "清偿" not in everything(ctx)


def test_closing_withdrawn_with_nothing_outstanding() -> None:
    ctx = closing("withdrawn", nothing_owed())
    assert "未支付" not in ctx.paragraphs[1] and "清偿" not in everything(ctx)


@pytest.mark.parametrize("reason", [r.value for r in CloseReason])
def test_closing_never_claims_clearing_unless_owed_and_paid(reason: str) -> None:
    for case in (make_case(), nothing_owed()):
        assert "欠薪已全部清偿" not in everything(closing(reason, case))
    assert reason not in everything(closing(reason, paid_in_full(make_case())))


def test_closing_with_a_reason_recorded_before_codes_existed() -> None:
    ctx = closing("案件已由其他部门处理")
    assert "结案理由：案件已由其他部门处理。" in ctx.paragraphs[1]
    assert ctx.legal_basis == ["《劳动保障监察条例》第十八条"]


# --- the 送达回证 ---------------------------------------------------------------------------------------


def test_service_receipt_number() -> None:
    assert service_receipt_number(ORDER_DOC) == "小人社监令〔2026〕3号-送"


@pytest.mark.parametrize("method", list(ServiceMethod))
def test_service_receipt_records_the_service(method: ServiceMethod) -> None:
    subject = served_notice(method=method.value, recipient="李四（收发室）")
    case = make_case().model_copy(update={"notices": [subject]})
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, case, subject=subject, doc_number="小人社监令〔2026〕3号-送")
    assert ctx.title == "送达回证" and ctx.doc_number == "小人社监令〔2026〕3号-送"
    assert ctx.served_title == "劳动保障监察限期改正指令书（责令限期支付工资）"
    assert ctx.served_doc_number == ORDER_DOC
    assert ctx.addressee == EMPLOYER
    assert ctx.served_at == subject.served_at
    assert ctx.service_method == SERVICE_METHOD_ZH[method]
    assert ctx.service_recipient == "李四（收发室）"
    assert ctx.paragraphs == [] and ctx.legal_basis == [] and ctx.rights == [] and ctx.workers == []
    assert (ctx.remarks == "") == (method == ServiceMethod.DIRECT)


def test_service_receipt_of_an_order_to_the_general_contractor() -> None:
    case = case_with(order_addressee="general_contractor")
    assert notice_context(NoticeKind.SERVICE_RECEIPT, case).addressee == GC


def test_service_receipt_of_a_complainant_notice() -> None:
    subject = served_notice(NoticeKind.CLOSING, method="post", doc_number="小人社监结〔2026〕1号")
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, subject=subject)
    assert ctx.addressee == "张三" and ctx.served_title == "结案通知书" and ctx.service_method == "邮寄送达"
    assert ctx.service_recipient == ""


def test_service_receipt_before_service_leaves_the_blanks() -> None:
    ctx = notice_context(NoticeKind.SERVICE_RECEIPT, subject=served_notice(method=None))
    assert ctx.served_at is None and ctx.service_method == "" and ctx.remarks == ""


def test_service_receipt_needs_the_served_notice() -> None:
    with pytest.raises(ValueError, match="送达回证"):
        build_context(NoticeKind.SERVICE_RECEIPT, make_case(), bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)


# --- personal data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CASE_KINDS)
def test_context_never_holds_a_full_id_or_phone(kind: NoticeKind) -> None:
    leak = f"投诉人身份证{make_id(1)}，电话13812345678"
    case = make_case(workers=3).model_copy(
        update={"rejection_reason": leak, "close_reason": leak, "supplement_missing": leak}
    )
    subject = served_notice(recipient=leak)
    ctx = build_context(
        kind, case, bureau=BUREAU, doc_number=DOC, issued_on=ISSUED, subject=subject, deadline=SUPERVISED
    )
    dumped = everything(ctx)
    for i in (1, 2, 3):
        assert make_id(i) not in dumped
    assert "13812345678" not in dumped and "13900000000" not in dumped
    if kind in (NoticeKind.REJECTION, NoticeKind.REDIRECTION, NoticeKind.SUPPLEMENT, NoticeKind.CLOSING):
        assert mask_id(make_id(1)) in dumped and "138****5678" in dumped
    if kind == NoticeKind.SERVICE_RECEIPT:
        assert ctx.service_recipient == f"投诉人身份证{mask_id(make_id(1))}，电话138****5678"


def test_scrub_masks_ids_and_mobiles_in_free_text() -> None:
    assert scrub(f"身份证{make_id(1)}。") == f"身份证{mask_id(make_id(1))}。"
    assert scrub("旧证号110105850314001") == "旧证号110105*****4001"
    assert scrub("电话13812345678，座机0351-12333") == "电话138****5678，座机0351-12333"
    assert scrub(make_uscc(1)) == make_uscc(1)
