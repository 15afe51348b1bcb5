"""The long arm's documents: the listing's 告知书, 决定书, 提前移出决定书 and 不予提前移出决定书 (人社部令第45号), one
per party, and the referral's 移送报告, 移送书, 移送材料清单, 提请复议书, 立案监督建议书 and 补充移送材料函 (国务院令第
310号), rendered to PDF from states built directly; then the activity that issues them."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.case_store import CaseStore
from activities.notices import NoticeActivities
from config.settings import Settings
from db.tables import notices
from models.activities import CaseEvent, IssueTrackNoticeInput, RecordEventInput
from models.case import CaseState, Deadline, DeadlineKind, DeadlineStatus, NoticeRef
from models.enforcement import CriminalThreshold, Defense
from models.identity import mask_id
from models.notices import NOTICE_TITLES, NoticeContext, NoticeKind
from models.tracks import (
    BlacklistBasis,
    BlacklistState,
    BlacklistStatus,
    ListedParty,
    OrderFacts,
    PartyRole,
    PassedPayment,
    PoliceDecision,
    ReferralState,
    RemovalApplication,
    track_id,
)
from models.tracks import TrackKind as Kind
from notices.context import build_context
from notices.render import NoticeRenderer
from tests.builders import make_id, make_uscc
from tests.harness import shared_renderer
from tests.notices.conftest import BUREAU, COURT, REVIEW_BODY, make_case, pdf_text, squash

ISSUED = date(2026, 12, 10)
DOC = "小人社监失告〔2026〕1号"
ORDER_DOC = "小人社监令〔2026〕3号"
RECEIPT_DOC = "小人社监令〔2026〕3号-送"
SERVED_AT = datetime.fromisoformat("2026-11-23T10:05:00+08:00")
AT = datetime.fromisoformat("2026-12-10T09:00:00+08:00")
EMPLOYER = f"太原市某建筑劳务有限公司（统一社会信用代码：{make_uscc(1)}）"
BOSS_ID, MANAGER_ID = make_id(101), make_id(102)
LEAK = f"身份证{make_id(9)}，电话13812345678"
LEAK_MASKED = f"身份证{mask_id(make_id(9))}，电话138****5678"
WAGE_REG_48 = "《保障农民工工资支付条例》第四十八条"
RULES_45 = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
CRIMINAL_LAW = "《中华人民共和国刑法》第二百七十六条之一"
SPC = "《最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释》（法释〔2013〕3号）"
DECREE = "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号）"
JOINT = "《人力资源社会保障部 公安部关于加强涉嫌拒不支付劳动报酬犯罪案件查处衔接工作的通知》（人社部发〔2014〕100号）"
RIGHTS = f"可在收到之日起六十日内向{REVIEW_BODY}申请行政复议，或者在六个月内向{COURT}提起行政诉讼。"
DECISION_RIGHTS = (
    "依照《中华人民共和国行政复议法》第二十条、《中华人民共和国行政诉讼法》第四十六条的规定，如不服本决定书，" + RIGHTS
)
OWED = "仍拖欠12名农民工工资共计人民币86,400.00元（大写：捌万陆仟肆佰元整）"
POLICE = "太原市公安局小店分局"
PROCURATORATE = "太原市小店区人民检察院"


def ref(kind: NoticeKind, doc_number: str, n: int = 1, served: bool = True) -> NoticeRef:
    return NoticeRef(
        notice_id=f"C1-{kind.value}-{n}",
        kind=kind.value,
        doc_number=doc_number,
        issued_at=AT,
        sha256="0" * 64,
        served_at=SERVED_AT if served else None,
        service_method="direct" if served else None,
    )


def order() -> OrderFacts:
    return OrderFacts(
        doc_number=ORDER_DOC,
        notice_id="C1-payment_order-1",
        served_at=SERVED_AT,
        receipt_doc_number=RECEIPT_DOC,
        due=date(2026, 12, 5),
    )


def common(kind: Kind, **overrides: Any) -> dict[str, Any]:
    case = make_case()
    return {
        "case_id": "C1",
        "region_code": "140105",
        "track_id": track_id("C1", kind, 1),
        "number": 1,
        "case_number": case.case_number,
        "employer": case.employer,
        "order": order(),
        "created_by": "inspector-1",
        "started_at": AT,
        "outstanding": Decimal("86400.00"),
        "owed_workers": 12,
        "threshold": CriminalThreshold(one_worker=Decimal("10000"), ten_workers=Decimal("50000")),
        **overrides,
    }


def parties() -> list[ListedParty]:
    return [
        ListedParty(index=0, role=PartyRole.EMPLOYER, name="太原市某建筑劳务有限公司", uscc=make_uscc(1)),
        ListedParty(
            index=1,
            role=PartyRole.LEGAL_REPRESENTATIVE,
            name="王某某",
            id_number=BOSS_ID,
            position="总经理",
            notice_id="C1-blacklist_notice-2",
            served_on=date(2026, 12, 11),
            defenses=[
                Defense(party="王某某", text=f"公司资金困难，正在筹款（{LEAK}）。", at=AT, recorded_by="inspector-1")
            ],
            decision_notice_id="C1-blacklist_decision-2",
        ),
        ListedParty(index=2, role=PartyRole.RESPONSIBLE_PERSON, name="李某", id_number=MANAGER_ID),
    ]


def proposed(**overrides: Any) -> BlacklistState:
    return BlacklistState(
        **common(Kind.BLACKLIST),
        basis=BlacklistBasis.LARGE_AMOUNT,
        facts=f"该单位拖欠12名农民工2026年6月至9月工资（举报人{LEAK}）",
        parties=parties(),
        notices=[
            ref(NoticeKind.BLACKLIST_NOTICE, "小人社监失告〔2026〕2号", 2),
            ref(NoticeKind.BLACKLIST_DECISION, "小人社监失决〔2026〕2号", 2),
        ],
    ).model_copy(update=overrides)


def listed(**overrides: Any) -> BlacklistState:
    decided = {
        "status": BlacklistStatus.LISTED,
        "decided_at": datetime.fromisoformat("2026-12-28T15:00:00+08:00"),
        "decision_reason": f"当事人所述不能成立（{LEAK}）",
        "term_start": date(2026, 12, 28),
        "term_end": date(2029, 12, 28),
    }
    return proposed(**(decided | overrides))


def applied(granted: bool) -> BlacklistState:
    application = RemovalApplication(
        applied_on=date(2027, 8, 2),
        promise=f"今后按时足额支付农民工工资（联系人{LEAK}）",
        recorded_by="inspector-1",
        decided_at=datetime.fromisoformat("2027-08-16T10:00:00+08:00"),
        granted=granted,
        reason=None if granted else f"仍有农民工工资未支付（{LEAK}）",
    )
    return listed(removals=[application], paid_in_full_on=date(2027, 1, 15) if granted else None)


def referral(**overrides: Any) -> ReferralState:
    return ReferralState(
        **common(Kind.REFERRAL),
        report=f"该单位有能力支付而不支付，法定代表人王某某（{LEAK}）拒不到案说明情况",
        officers=["赵某", "钱某"],
        report_notice_id="C1-referral_report-1001",
        transfer_notice_id="C1-referral_transfer-1001",
        notices=[
            ref(NoticeKind.REFERRAL_REPORT, "小人社监移报〔2026〕1号", 1001, served=False),
            ref(NoticeKind.REFERRAL_TRANSFER, "小人社监移〔2026〕1号", 1001, served=False),
        ],
    ).model_copy(update=overrides)


def refused(**overrides: Any) -> ReferralState:
    recorded = datetime.fromisoformat("2026-12-20T10:00:00+08:00")
    decisions = [
        PoliceDecision(
            accepted=False,
            reference="小公不立字〔2026〕8号",
            decided_on=date(2026, 12, 18),
            reconsideration=False,
            recorded_at=recorded,
        ),
        PoliceDecision(
            accepted=False,
            reference="小公复字〔2026〕2号",
            decided_on=date(2026, 12, 24),
            reconsideration=True,
            recorded_at=recorded,
        ),
    ]
    transferred = {
        "transferred_at": datetime.fromisoformat("2026-12-15T09:00:00+08:00"),
        "police_organ": POLICE,
        "police_decisions": decisions,
        "reconsideration_requested_on": date(2026, 12, 20),
        "procuratorate": PROCURATORATE,
    }
    return referral(**(transferred | overrides))


def case_with_papers() -> CaseState:
    return make_case().model_copy(
        update={
            "notices": [
                ref(NoticeKind.ACCEPTANCE, "小人社监受〔2026〕5号"),
                ref(NoticeKind.PAYMENT_ORDER, ORDER_DOC),
                ref(NoticeKind.DECISION, "小人社监处决〔2026〕1号"),
                ref(NoticeKind.PENALTY_DECISION, "小人社监罚决〔2026〕1号"),
            ]
        }
    )


def context(
    kind: NoticeKind,
    track: BlacklistState | ReferralState,
    party: int | None = None,
    case: CaseState | None = None,
    subject: NoticeRef | None = None,
) -> NoticeContext:
    return build_context(
        kind,
        case or case_with_papers(),
        bureau=BUREAU,
        doc_number=DOC,
        issued_on=ISSUED,
        track=track,
        party=party,
        subject=subject,
    )


def rendered(renderer: NoticeRenderer, ctx: NoticeContext) -> str:
    """The PDF's text without the page numbers (— 1 —) a longer document carries at each page's foot."""
    return re.sub(r"—\d+—", "", pdf_text(renderer.render(ctx)))


def everything(ctx: NoticeContext) -> str:
    return json.dumps(ctx.model_dump(mode="json"), ensure_ascii=False)


def assert_form(text: str, ctx: NoticeContext) -> None:
    """Bureau, title, number, addressee, every citation, the date and the place for the seal, in order."""
    assert text.index(BUREAU.name) < text.index(ctx.title) < text.index(DOC) < text.index(squash(ctx.addressee))
    for basis in ctx.legal_basis:
        assert squash(basis) in text, basis
        assert basis in "".join(ctx.paragraphs)
    assert "2026年12月10日" in text and "（印章）" in text


def assert_private(ctx: NoticeContext, text: str) -> None:
    """No full ID number or phone, ever; the masked ones where free text carried them."""
    for out in (everything(ctx), text):
        for number in (make_id(1), make_id(2), make_id(9), BOSS_ID, MANAGER_ID, "13812345678", "13900000000"):
            assert number not in out


CASES: list[tuple[NoticeKind, BlacklistState | ReferralState]] = [
    (NoticeKind.BLACKLIST_NOTICE, proposed()),
    (NoticeKind.BLACKLIST_DECISION, listed()),
    (NoticeKind.BLACKLIST_REMOVAL, applied(granted=True)),
    (NoticeKind.REMOVAL_REFUSAL, applied(granted=False)),
    (NoticeKind.REFERRAL_REPORT, referral()),
    (NoticeKind.REFERRAL_TRANSFER, referral()),
    (NoticeKind.EVIDENCE_LIST, referral()),
    (NoticeKind.RECONSIDERATION_REQUEST, refused()),
    (NoticeKind.SUPERVISION_REQUEST, refused()),
    (
        NoticeKind.REFERRAL_PAYMENT,
        refused(payments=[PassedPayment(at=AT, paid_total=Decimal("30000"), outstanding=Decimal("56400"))]),
    ),
]


# --- every kind ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "track"), CASES)
def test_each_kind_is_a_private_one_form_pdf(
    renderer: NoticeRenderer, kind: NoticeKind, track: BlacklistState | ReferralState
) -> None:
    ctx = context(kind, track, party=1)
    text = rendered(renderer, ctx)
    assert ctx.title == NOTICE_TITLES[kind] and ctx.case_number == "小人社监案〔2026〕7号"
    assert_form(text, ctx)
    assert_private(ctx, text)
    assert "工人1" not in text and "张三" not in text  # never a worker's or the complainant's name
    decided = kind in (NoticeKind.BLACKLIST_DECISION, NoticeKind.REMOVAL_REFUSAL)
    assert ctx.rights == ([DECISION_RIGHTS] if decided else [])
    assert (squash(DECISION_RIGHTS) in text) == decided


def test_a_track_document_needs_its_track() -> None:
    with pytest.raises(ValueError, match="子程序的文书"):
        build_context(NoticeKind.BLACKLIST_NOTICE, make_case(), bureau=BUREAU, doc_number=DOC, issued_on=ISSUED)
    with pytest.raises(ValueError, match="程序的文书"):
        context(NoticeKind.REFERRAL_REPORT, proposed())
    with pytest.raises(ValueError, match="案件本身的文书"):
        context(NoticeKind.PAYMENT_ORDER, proposed())


# --- the listing ----------------------------------------------------------------------------------------------


def test_blacklist_notice_to_the_employer(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.BLACKLIST_NOTICE, proposed(), party=0)
    assert ctx.addressee == EMPLOYER
    text = rendered(renderer, ctx)
    for words in (
        f"本机关于2026年11月23日送达《劳动保障监察限期改正指令书》（{ORDER_DOC}）（送达回证：{RECEIPT_DOC}），"
        "责令你单位于2026年12月5日前（含当日）支付所拖欠的农民工工资，你单位逾期未支付。",
        f"截至本告知书作出之日，你单位{OWED}。",
        "你单位的上述行为属于“克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准”的情形。",
        "本机关适用本地区执行的认定拒不支付劳动报酬罪数额标准，即拒不支付一名劳动者三个月以上的劳动报酬且数额在"
        "10,000.00元以上，或者拒不支付十名以上劳动者的劳动报酬且数额累计在50,000.00元以上。",
        f"根据{WAGE_REG_48}和{RULES_45}第五条的规定，本机关拟将你单位列入拖欠农民工工资失信联合惩戒对象名单。",
        "可自收到本告知书之日起5个工作日内向本机关提出陈述、申辩意见",
        "逾期未提出的，视为放弃陈述、申辩的权利。",
        "地址：太原市小店区某路1号电话：0351-12333",
    ):
        assert squash(words) in text, words
    assert text.index(WAGE_REG_48) < text.index("本机关拟将你单位列入")
    assert "行政复议" not in text


def test_blacklist_notice_facts_are_masked() -> None:
    ctx = context(NoticeKind.BLACKLIST_NOTICE, proposed(facts=f"拖欠工资，举报人{LEAK}"), party=0)
    assert ctx.paragraphs[0] == f"经查，拖欠工资，举报人{LEAK_MASKED}。"


def test_blacklist_notice_to_a_person_names_them_with_a_masked_id(renderer: NoticeRenderer) -> None:
    bureau_days = BUREAU.model_copy(update={"blacklist_defense_working_days": 7})
    ctx = build_context(
        NoticeKind.BLACKLIST_NOTICE,
        make_case(),
        bureau=bureau_days,
        doc_number=DOC,
        issued_on=ISSUED,
        track=proposed(),
        party=1,
    )
    assert ctx.addressee == f"王某某（法定代表人或者主要负责人，身份证号码：{mask_id(BOSS_ID)}，职务：总经理）"
    text = rendered(renderer, ctx)
    assert squash(f"你系{EMPLOYER}（以下简称该单位）的法定代表人或者主要负责人（职务：总经理）。经查，") in text
    assert "责令该单位于2026年12月5日前（含当日）支付" in text and f"该单位{OWED}" in text
    assert "本机关拟将你列入拖欠农民工工资失信联合惩戒对象名单" in text
    assert "7个工作日内" in text and "你依法享有陈述、申辩的权利" in text
    person = context(NoticeKind.BLACKLIST_NOTICE, proposed(), party=2)
    assert person.addressee == f"李某（直接负责的主管人员和其他直接责任人员，身份证号码：{mask_id(MANAGER_ID)}）"


def test_the_national_floor_is_said_to_be_one() -> None:
    floor = CriminalThreshold(one_worker=Decimal("5000"), ten_workers=Decimal("30000"))
    ctx = context(NoticeKind.BLACKLIST_NOTICE, proposed(threshold=floor, threshold_is_provincial=False), party=0)
    assert (
        f"因本地区执行的具体数额标准未予确定，本机关适用{SPC}第三条规定的数额幅度的下限，即拒不支付一名劳动者三个月以上的"
        "劳动报酬且数额在5,000.00元以上，或者拒不支付十名以上劳动者的劳动报酬且数额累计在30,000.00元以上。"
    ) in ctx.paragraphs[2]


def test_an_incident_ground_states_no_figures() -> None:
    ctx = context(NoticeKind.BLACKLIST_NOTICE, proposed(basis=BlacklistBasis.MASS_INCIDENT), party=0)
    assert ctx.paragraphs[2] == "你单位的上述行为属于“因拖欠农民工工资违法行为引发群体性事件”的情形。"


def test_blacklist_decision(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.BLACKLIST_DECISION, listed(), party=1)
    text = rendered(renderer, ctx)
    for words in (
        "本机关于2026年12月11日向你送达《列入拖欠农民工工资失信联合惩戒对象名单告知书》（小人社监失告〔2026〕2号）",
        f"你在规定期限内提出了陈述、申辩意见：公司资金困难，正在筹款（{LEAK_MASKED}）。",
        f"经复核，当事人所述不能成立（{LEAK_MASKED}）。",
        f"根据{WAGE_REG_48}和{RULES_45}第五条的规定，本机关决定：将你列入拖欠农民工工资失信联合惩戒对象名单，"
        "列入期限为3年，自2026年12月28日起至2029年12月27日止。",
        f"{RULES_45}的规定，列入期间",
        "政府资金支持、政府采购、招投标、生产许可、履约担保、资质审核、融资贷款、市场准入、税收优惠、评优评先、交通出行"
        "等方面对你依法依规予以限制。",
        f"根据{RULES_45}的规定，本机关将通过本部门门户网站、“信用中国”网站等向社会公开",
        f"根据{RULES_45}的规定，列入期限届满的，自动移出失信联合惩戒名单。",
        "已改正拖欠农民工工资违法行为且自改正之日起被列入失信联合惩戒名单满6个月的，可以向本机关申请提前移出，"
        "并提交信用修复申请书和守信承诺书。",
        RIGHTS,
    ):
        assert squash(words) in text, words
    assert text.index("申辩意见") < text.index("本机关决定") < text.index("行政复议")


def test_blacklist_decision_without_a_defence_or_a_term() -> None:
    ctx = context(NoticeKind.BLACKLIST_DECISION, listed(), party=0)
    assert "本机关已向你单位送达《列入拖欠农民工工资失信联合惩戒对象名单告知书》，" in ctx.paragraphs[3]
    assert "你单位在规定期限内未提出陈述、申辩。经审查，当事人所述不能成立" in ctx.paragraphs[3]
    with pytest.raises(ValueError, match="列入期限"):
        context(NoticeKind.BLACKLIST_DECISION, proposed(), party=0)
    with pytest.raises(ValueError, match="当事人"):
        context(NoticeKind.BLACKLIST_DECISION, listed(), party=None)
    with pytest.raises(ValueError, match="当事人"):
        context(NoticeKind.BLACKLIST_DECISION, listed(), party=3)


def test_blacklist_removal(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.BLACKLIST_REMOVAL, applied(granted=True), party=1)
    text = rendered(renderer, ctx)
    for words in (
        "本机关于2026年12月28日作出《列入拖欠农民工工资失信联合惩戒对象名单决定书》（小人社监失决〔2026〕2号），"
        "将你列入拖欠农民工工资失信联合惩戒对象名单，列入期限自2026年12月28日起至2029年12月27日止。",
        "该单位于2027年8月2日向本机关申请提前移出，并提交了信用修复申请书和守信承诺书，"
        f"承诺：今后按时足额支付农民工工资（联系人{LEAK_MASKED}）。",
        "该单位已于2027年1月15日足额支付所拖欠的农民工工资",
        "自改正之日起被列入失信联合惩戒名单已满6个月",
        f"根据{RULES_45}的规定，本机关决定：自本决定作出之日起，将你移出拖欠农民工工资失信联合惩戒对象名单。",
        "停止公开你的失信联合惩戒名单信息",
    ):
        assert squash(words) in text, words
    with pytest.raises(ValueError, match="全部支付"):
        context(NoticeKind.BLACKLIST_REMOVAL, applied(granted=False), party=1)
    with pytest.raises(ValueError, match="提前移出申请"):
        context(NoticeKind.BLACKLIST_REMOVAL, listed(paid_in_full_on=date(2027, 1, 15)), party=1)


def test_removal_refusal_goes_to_the_employer(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.REMOVAL_REFUSAL, applied(granted=False), party=2)
    assert ctx.addressee == EMPLOYER
    text = rendered(renderer, ctx)
    for words in (
        "你单位于2027年8月2日向本机关申请提前移出",
        f"经核实，仍有农民工工资未支付（{LEAK_MASKED}）。",
        f"根据{RULES_45}的规定，本机关决定：不予提前移出。你单位的列入期限仍至2029年12月27日止。",
        RIGHTS,
    ):
        assert squash(words) in text, words


def test_a_listing_receipt_names_the_party_served(renderer: NoticeRenderer) -> None:
    track = proposed()
    served = track.notices[0]
    ctx = build_context(
        NoticeKind.SERVICE_RECEIPT,
        make_case(),
        bureau=BUREAU,
        doc_number="小人社监失告〔2026〕2号-送",
        issued_on=ISSUED,
        subject=served,
        track=track,
    )
    assert ctx.addressee == f"王某某（法定代表人或者主要负责人，身份证号码：{mask_id(BOSS_ID)}，职务：总经理）"
    assert ctx.served_title == "列入拖欠农民工工资失信联合惩戒对象名单告知书"
    text = rendered(renderer, ctx)
    assert squash(ctx.addressee) in text and "小人社监失告〔2026〕2号-送" in text and BOSS_ID not in text


def test_a_track_deadline_is_supervised_like_the_case_s() -> None:
    overdue = Deadline(
        kind=DeadlineKind.BLACKLIST_DECISION,
        start=date(2026, 12, 5),
        due=date(2027, 1, 5),
        status=DeadlineStatus.OVERDUE,
        basis="《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第六条：期限届满之日起20个工作日内作出列入决定",
        escalate_after=date(2027, 1, 12),
    )
    ctx = build_context(
        NoticeKind.SUPERVISION,
        make_case(),
        bureau=BUREAU,
        doc_number=DOC,
        issued_on=date(2027, 1, 13),
        deadline=DeadlineKind.BLACKLIST_DECISION.value,
        track=proposed(deadlines=[overdue]),
    )
    assert "“列入名单决定期限”" in ctx.paragraphs[0] and "已于2027年1月5日届满" in ctx.paragraphs[0]
    assert ctx.addressee.endswith("（案件承办人）")


# --- the referral -------------------------------------------------------------------------------------------------


def test_referral_report(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.REFERRAL_REPORT, referral())
    assert ctx.addressee == "本机关正职负责人或者主持工作的负责人"
    text = rendered(renderer, ctx)
    for words in (
        f"根据{DECREE}第五条的规定，本机关指定赵某、钱某共2名行政执法人员组成专案组，对{EMPLOYER}（以下简称该单位）"
        "涉嫌拒不支付劳动报酬罪一案（案号：小人社监案〔2026〕7号）进行了核实。",
        f"（{ORDER_DOC}）（送达回证：{RECEIPT_DOC}）",
        f"截至本报告作出之日，该单位{OWED}。",
        f"二、核实情况。该单位有能力支付而不支付，法定代表人王某某（{LEAK_MASKED}）拒不到案说明情况。",
        f"依照{SPC}第四条的规定，属于“经政府有关部门责令支付仍不支付”。",
        "数额在10,000.00元以上",
        f"涉嫌构成{CRIMINAL_LAW}规定的拒不支付劳动报酬罪",
        "专案组建议将该案移送同级公安机关。请于收到本报告之日起3日内作出批准移送或者不批准移送的决定",
        "专案组成员：赵某、钱某",
    ):
        assert squash(words) in text, words
    assert ctx.legal_basis == [CRIMINAL_LAW, f"{SPC}第三条", f"{SPC}第四条", f"{DECREE}第五条"]
    with pytest.raises(ValueError, match="2名以上"):
        context(NoticeKind.REFERRAL_REPORT, referral(officers=["赵某"]))


def test_referral_transfer_goes_to_the_police(renderer: NoticeRenderer) -> None:
    assert context(NoticeKind.REFERRAL_TRANSFER, referral()).addressee == "同级公安机关"
    bureau = BUREAU.model_copy(update={"police_organ": POLICE})
    ctx = build_context(
        NoticeKind.REFERRAL_TRANSFER,
        case_with_papers(),
        bureau=bureau,
        doc_number=DOC,
        issued_on=ISSUED,
        track=referral(),
    )
    assert ctx.addressee == POLICE
    text = rendered(renderer, ctx)
    for words in (
        f"{EMPLOYER}（以下简称该单位）涉嫌拒不支付劳动报酬罪一案，经本机关调查核实，基本事实如下：",
        f"截至本移送书作出之日，该单位{OWED}。",
        f"根据{CRIMINAL_LAW}、{DECREE}第三条和{JOINT}的规定",
        "现将该案移送贵局。",
        f"根据{DECREE}第六条的规定，随本移送书附送下列材料：1．涉嫌犯罪案件调查报告（涉嫌犯罪案件移送报告）"
        "（小人社监移报〔2026〕1号）；",
        f"劳动保障监察限期改正指令书送达回证（{RECEIPT_DOC}）",
        "行政处理决定书（小人社监处决〔2026〕1号）；",
        "涉案物品清单：无。具体见《涉嫌犯罪案件移送材料清单》。",
        f"根据{DECREE}第八条的规定，请贵局自接受本案之日起3日内依法审查，决定是否立案，并书面通知本机关；",
    ):
        assert squash(words) in text, words
    assert ctx.legal_basis == [CRIMINAL_LAW, *(f"{DECREE}第{n}条" for n in "三六八"), JOINT]


def test_evidence_list_numbers_every_material(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.EVIDENCE_LIST, referral(handed_over_items=None))
    assert ctx.paragraphs[1:] == [
        "涉嫌犯罪案件移送书（小人社监移〔2026〕1号）",
        "涉嫌犯罪案件调查报告（涉嫌犯罪案件移送报告）（小人社监移报〔2026〕1号）",
        f"劳动保障监察限期改正指令书（{ORDER_DOC}）",
        f"劳动保障监察限期改正指令书送达回证（{RECEIPT_DOC}）",
        "被拖欠工资的劳动者名单（共12名，拖欠工资合计人民币86,400.00元（大写：捌万陆仟肆佰元整））",
        "行政处理决定书（小人社监处决〔2026〕1号）",
        "行政处罚决定书（小人社监罚决〔2026〕1号）",
        "涉案物品清单：无",
    ]
    text = rendered(renderer, ctx)
    assert "序号材料名称1涉嫌犯罪案件移送书（小人社监移〔2026〕1号）2涉嫌犯罪案件调查报告" in text
    assert "8涉案物品清单：无" in text and "受理通知书" not in text
    no_receipt = referral(order=order().model_copy(update={"receipt_doc_number": None}))
    items = context(
        NoticeKind.EVIDENCE_LIST, no_receipt, case=make_case().model_copy(update={"notices": []})
    ).paragraphs[1:]
    assert "劳动保障监察限期改正指令书送达回证（2026年11月23日送达）" in items
    assert items[-2].startswith("被拖欠工资的劳动者名单")  # the case holds no other document


def test_reconsideration_request(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.RECONSIDERATION_REQUEST, refused())
    assert ctx.addressee == POLICE
    text = rendered(renderer, ctx)
    for words in (
        f"本机关于2026年12月15日以《涉嫌犯罪案件移送书》（小人社监移〔2026〕1号）将{EMPLOYER}（以下简称该单位）"
        f"涉嫌拒不支付劳动报酬罪一案移送{POLICE}。{POLICE}于2026年12月18日作出不予立案的决定（小公不立字〔2026〕8号）。",
        "本机关认为，该案依法应当由公安机关决定立案。理由如下：",
        f"专案组核实的情况：该单位有能力支付而不支付，法定代表人王某某（{LEAK_MASKED}）拒不到案说明情况。",
        f"根据{DECREE}第九条的规定，现提请贵局对上述不予立案的决定进行复议，请自收到本提请复议书之日起3日内",
    ):
        assert squash(words) in text, words
    with pytest.raises(ValueError, match="不予立案"):
        context(NoticeKind.RECONSIDERATION_REQUEST, referral())


def test_supervision_request(renderer: NoticeRenderer) -> None:
    ctx = context(NoticeKind.SUPERVISION_REQUEST, refused())
    assert ctx.addressee == PROCURATORATE
    text = rendered(renderer, ctx)
    for words in (
        "作出不予立案的决定（小公不立字〔2026〕8号）。本机关于2026年12月20日提请复议，"
        f"{POLICE}于2026年12月24日作出复议决定（小公复字〔2026〕2号），维持不予立案的决定。",
        f"根据{DECREE}第九条的规定，本机关建议贵院依法对该案进行立案监督。",
    ):
        assert squash(words) in text, words
    direct = refused(police_decisions=refused().police_decisions[:1], procuratorate=None)
    direct_ctx = context(NoticeKind.SUPERVISION_REQUEST, direct)
    assert direct_ctx.addressee == "同级人民检察院" and "复议决定" not in "".join(direct_ctx.paragraphs)


def test_referral_payment(renderer: NoticeRenderer) -> None:
    opened = PoliceDecision(
        accepted=True,
        reference="小公立字〔2026〕3号",
        decided_on=date(2026, 12, 17),
        reconsideration=False,
        recorded_at=AT,
    )
    paid = PassedPayment(
        at=datetime(2027, 1, 4, 3, 0, tzinfo=UTC), paid_total=Decimal("30000"), outstanding=Decimal("56400")
    )
    ctx = context(NoticeKind.REFERRAL_PAYMENT, refused(police_decisions=[opened], payments=[paid]))
    text = rendered(renderer, ctx)
    for words in (
        "贵局已于2026年12月17日决定立案（小公立字〔2026〕3号）。",
        "截至2027年1月4日，该案累计已支付工资人民币30,000.00元（大写：叁万元整），"
        "尚有人民币56,400.00元（大写：伍万陆仟肆佰元整）未支付。",
        f"依照{SPC}第六条和{CRIMINAL_LAW}第三款的规定",
        "现将上述情况函告贵局，请在依法处理时予以考虑。",
    ):
        assert squash(words) in text, words
    cleared = paid.model_copy(update={"paid_total": Decimal("86400"), "outstanding": Decimal("0")})
    all_paid = context(NoticeKind.REFERRAL_PAYMENT, refused(payments=[paid, cleared]))
    assert "所拖欠的工资已全部支付" in all_paid.paragraphs[1]
    with pytest.raises(ValueError, match="支付情况"):
        context(NoticeKind.REFERRAL_PAYMENT, refused())


def test_hostile_text_is_printed_as_text(renderer: NoticeRenderer) -> None:
    hostile = '#set page(width: 1pt) "); #panic("boom") // *x* $y$'
    text = rendered(renderer, context(NoticeKind.BLACKLIST_NOTICE, proposed(facts=hostile), party=0))
    assert squash(hostile) in text


# --- the activity ---------------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)


async def registered_case(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> CaseState:
    case = make_case().model_copy(update={"last_seq": 1})
    event = CaseEvent(
        seq=1, at=NOW, kind="intake", actor="u1", actor_role="inspector", stage_before=None, stage_after="intake"
    )
    await ActivityEnvironment().run(
        CaseStore(sessions, settings).record_event, RecordEventInput(case=case, event=event)
    )
    return case


async def test_issue_track_notice_numbers_stores_and_marks_its_track(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    issuer = NoticeActivities(sessions, shared_renderer(), settings)
    env = ActivityEnvironment()
    await registered_case(sessions, settings)
    track = proposed(notices=[])
    inp = IssueTrackNoticeInput(track=track, kind=NoticeKind.BLACKLIST_NOTICE, occurrence=2, issued_at=NOW, party=1)
    first = await env.run(issuer.issue_track_notice, inp)
    assert first.notice_id == "C1-blacklist_notice-2" and first.kind == "blacklist_notice"
    assert first.doc_number.endswith("失告〔2026〕1号")
    assert await env.run(issuer.issue_track_notice, inp) == first  # a retry returns the same notice
    other = await env.run(issuer.issue_track_notice, inp.model_copy(update={"occurrence": 3, "party": 2}))
    assert other.doc_number.endswith("失告〔2026〕2号")

    async with sessions() as s:
        row = (await s.execute(select(notices).where(notices.c.notice_id == first.notice_id))).one()
    assert row.track_id == "C1/blacklist/1" and row.case_id == "C1"
    text = pdf_text((settings.notice_dir / str(row.path)).read_bytes())
    assert squash(f"王某某（法定代表人或者主要负责人，身份证号码：{mask_id(BOSS_ID)}，职务：总经理）") in text
    assert first.doc_number in text and "太原市某建筑劳务有限公司" in text and BOSS_ID not in text

    served = first.model_copy(update={"served_at": SERVED_AT, "service_method": "direct"})
    receipt = await env.run(
        issuer.issue_track_notice,
        IssueTrackNoticeInput(
            track=track.model_copy(update={"notices": [served]}),
            kind=NoticeKind.SERVICE_RECEIPT,
            occurrence=2,
            issued_at=SERVED_AT,
            subject_notice_id=first.notice_id,
        ),
    )
    assert receipt.doc_number == f"{first.doc_number}-送"


async def test_issue_track_notice_for_a_referral(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    issuer = NoticeActivities(sessions, shared_renderer(), settings)
    await registered_case(sessions, settings)
    inp = IssueTrackNoticeInput(track=referral(), kind=NoticeKind.REFERRAL_REPORT, occurrence=1001, issued_at=NOW)
    report = await ActivityEnvironment().run(issuer.issue_track_notice, inp)
    assert report.notice_id == "C1-referral_report-1001" and report.doc_number.endswith("移报〔2026〕1号")
    async with sessions() as s:
        track = await s.scalar(select(notices.c.track_id).where(notices.c.notice_id == report.notice_id))
    assert track == "C1/referral/1"
