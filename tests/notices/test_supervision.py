"""The 督办通知书: internal, to the unit handling a case whose deadline has been overdue for five working
days. It names the case, the deadline, its due date and the basis the deadline was set by, and asks for a
written report; it carries nothing a party's notice would (no rights clause, no workers, no amounts) and no
personal data."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from models.case import DEADLINE_ZH, CaseState, Channel, Deadline, DeadlineKind, DeadlineStatus
from models.identity import mask_id
from models.notices import SERVED_KINDS, Bureau, NoticeContext, NoticeKind
from notices.context import build_context
from notices.render import NoticeRenderer, payload
from notices.wording import SUPERVISION_REPORT_WORKING_DAYS
from tests.builders import make_id
from tests.notices.conftest import BUREAU, make_case, pdf_text, squash

DOC = "小人社监督〔2026〕1号"
UNIT = "太原市小店区人力资源和社会保障局劳动保障监察机构（案件承办人）"
EMPLOYER = "太原市某建筑劳务有限公司（统一社会信用代码："
RECEIVED = datetime.fromisoformat("2026-07-01T10:00:00+08:00")
CITATION = "《劳动保障监察条例》第十七条"
INVESTIGATION_BASIS = f"{CITATION}：自立案之日起60个工作日内完成"
DEMAND = "现对该事项予以督办。请立即办理，并于收到本通知书之日起3个工作日内将办理进展及逾期原因书面报告督办机关。"


def overdue(kind: DeadlineKind, start: date, due: date, escalate_after: date | None, basis: str = "") -> Deadline:
    """A deadline as the case holds it once its level-1 alarm marked it overdue; ``escalate_after`` is the
    5th working day after ``due`` (under the 2026 holiday schedule)."""
    return Deadline(
        kind=kind, start=start, due=due, status=DeadlineStatus.OVERDUE, basis=basis, escalate_after=escalate_after
    )


# Filed 2026-07-03, 60 working days: due 2026-09-24; the 5th working day after it, over the National Day
# holidays, is 2026-10-09.
INVESTIGATION = overdue(
    DeadlineKind.INVESTIGATION, date(2026, 7, 3), date(2026, 9, 24), date(2026, 10, 9), INVESTIGATION_BASIS
).model_copy(update={"working_days": 60})
ISSUED = date(2026, 10, 10)  # the day after the fifth working day overdue


def supervised_case(*deadlines: Deadline, **update: Any) -> CaseState:
    """An accepted case under investigation, its deadlines as given (the overdue investigation by default)."""
    case = make_case().model_copy(update={"received_at": RECEIVED, "deadlines": list(deadlines or [INVESTIGATION])})
    return case.model_copy(update=update)


def supervision(
    case: CaseState | None = None,
    deadline: str | None = DeadlineKind.INVESTIGATION.value,
    *,
    issued_on: date = ISSUED,
    bureau: Bureau = BUREAU,
    **kwargs: Any,
) -> NoticeContext:
    """The context the activity builds for IssueNoticeInput(kind=supervision, subject_notice_id=deadline)."""
    return build_context(
        NoticeKind.SUPERVISION,
        case or supervised_case(),
        bureau=bureau,
        doc_number=DOC,
        issued_on=issued_on,
        deadline=deadline,
        **kwargs,
    )


def body(ctx: NoticeContext) -> str:
    return "".join(ctx.paragraphs)


# --- the notice as printed ------------------------------------------------------------------------


def test_supervision_pdf(renderer: NoticeRenderer) -> None:
    pdf = renderer.render(supervision())
    assert pdf.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    for expected in (
        "督办通知书",
        DOC,
        UNIT + "：",
        "你单位承办的涉及" + EMPLOYER,
        "（案号：小人社监案〔2026〕7号）",
        "其“调查办结期限”依据《劳动保障监察条例》第十七条（自立案之日起60个工作日内完成）确定",
        "已于2026年9月24日届满",
        "截至本通知书作出之日（2026年10月10日），该事项仍未办结，逾期已满5个工作日。",
        DEMAND,
        BUREAU.name + "（印章）2026年10月10日",
    ):
        assert expected in text, expected
    # agency, form title, 文号, addressee, then the facts with the basis, then the demand
    assert text.index(BUREAU.name) < text.index("督办通知书") < text.index(DOC) < text.index(UNIT)
    assert text.index(UNIT) < text.index(CITATION) < text.index("届满") < text.index("请立即办理")
    assert DEADLINE_ZH[DeadlineKind.INVESTIGATION] in text


def test_nothing_a_party_would_get_and_no_personal_data(renderer: NoticeRenderer) -> None:
    """Internal: no rights clause, no workers table, no amounts; no names or numbers of people."""
    ctx = supervision()
    assert ctx.rights == [] and ctx.workers == [] and ctx.total_amount is None and ctx.due is None
    assert ctx.subtitle == "" and ctx.addressee == UNIT
    assert NoticeKind.SUPERVISION not in SERVED_KINDS
    assert payload(ctx)["rights"] == [] and payload(ctx)["workers"] == []
    text = pdf_text(renderer.render(ctx))
    for absent in ("行政复议", "行政诉讼", "如不服", "人民法院", "人民政府", "身份证", "张三", "工人1", "王某某"):
        assert absent not in text, absent
    for absent in ("24,000.00", "12,000.00", "贰万肆仟", "大写", "元"):
        assert absent not in text, absent
    for i in (1, 2):
        assert make_id(i) not in text and mask_id(make_id(i)) not in text
    for phone in ("13812345678", "13900000000", "138****5678", "139****0000"):
        assert phone not in text
    assert "inspector" not in text  # the assignee and creator are user ids: never printed


def test_personal_data_typed_into_printed_fields_is_masked() -> None:
    leak = f"身份证{make_id(1)}电话13812345678"
    case = supervised_case()
    case = case.model_copy(
        update={
            "employer": case.employer.model_copy(update={"name": f"某公司{leak}"}),
            "case_number": f"案{leak}",
            "deadlines": [INVESTIGATION.model_copy(update={"basis": f"{CITATION}：{leak}"})],
        }
    )
    dumped = json.dumps(supervision(case).model_dump(mode="json"), ensure_ascii=False)
    assert make_id(1) not in dumped and "13812345678" not in dumped
    assert mask_id(make_id(1)) in dumped and "138****5678" in dumped


def test_the_legal_basis_is_the_deadlines_own_and_printed() -> None:
    ctx = supervision()
    assert ctx.legal_basis == [CITATION]
    assert all(basis in body(ctx) for basis in ctx.legal_basis)
    for other in ("第十八条", "第二十六条", "劳动合同法", "行政复议法", "行政诉讼法"):
        assert other not in body(ctx), other


def test_no_rights_clause_even_with_a_configured_review_body_and_court(renderer: NoticeRenderer) -> None:
    bureau = BUREAU.model_copy(update={"review_body": "太原市人民政府", "court": "太原铁路运输法院"})
    ctx = supervision(bureau=bureau)
    assert ctx.rights == []
    text = pdf_text(renderer.render(ctx))
    assert "太原市人民政府" not in text and "太原铁路运输法院" not in text


def test_the_report_period_and_the_overdue_count() -> None:
    assert f"{SUPERVISION_REPORT_WORKING_DAYS}个工作日内将办理进展及逾期原因书面报告督办机关" in body(supervision())
    # a deployment escalating after 7 working days says 7: the count is the caller's, stated once
    late = INVESTIGATION.model_copy(update={"escalate_after": date(2026, 10, 13)})
    text = body(supervision(supervised_case(late), issued_on=date(2026, 10, 14), overdue_working_days=7))
    assert "逾期已满7个工作日" in text and "5个工作日" not in text


# --- which deadline ------------------------------------------------------------------------------


def test_the_named_kind_and_its_latest_overdue_deadline() -> None:
    older = INVESTIGATION.model_copy(update={"due": date(2026, 9, 1), "escalate_after": date(2026, 9, 8)})
    order = overdue(
        DeadlineKind.PAYMENT_ORDER,
        date(2026, 9, 1),
        date(2026, 9, 11),
        date(2026, 9, 18),
        "《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条：按指令书限定的期限支付",
    )
    case = supervised_case(older, INVESTIGATION, order)
    text = body(supervision(case))
    assert "“调查办结期限”" in text and "已于2026年9月24日届满" in text
    assert "2026年9月1日" not in text and "限期支付期限" not in text
    text = body(supervision(case, DeadlineKind.PAYMENT_ORDER.value))
    assert "“限期支付期限”" in text and "已于2026年9月11日届满" in text
    assert "《劳动保障监察条例》第二十六条、《中华人民共和国劳动合同法》第八十五条（按指令书限定的期限支付）" in text
    assert "调查办结期限" not in text


def test_an_overdue_deadline_wins_over_a_later_pending_one_and_pending_is_the_fallback() -> None:
    later = INVESTIGATION.model_copy(
        update={"due": date(2026, 9, 30), "escalate_after": date(2026, 10, 9), "status": DeadlineStatus.PENDING}
    )
    assert "已于2026年9月24日届满" in body(supervision(supervised_case(INVESTIGATION, later)))
    # the status is not updated yet: the open deadline is still the one supervised
    pending = INVESTIGATION.model_copy(update={"status": DeadlineStatus.PENDING})
    closed = later.model_copy(update={"status": DeadlineStatus.MET_LATE})
    assert "已于2026年9月24日届满" in body(supervision(supervised_case(pending, closed)))


def test_an_extended_investigation_says_so() -> None:
    extended = INVESTIGATION.model_copy(
        update={
            "due": date(2026, 11, 12),
            "escalate_after": date(2026, 11, 19),
            "working_days": 90,
            "extended_by": 30,
            "basis": f"{INVESTIGATION_BASIS}；情况复杂的，经劳动保障行政部门负责人批准，可以延长30个工作日",
        }
    )
    text = body(supervision(supervised_case(extended), issued_on=date(2026, 11, 20)))
    assert "经批准延长30个工作日，已于2026年11月12日届满" in text
    assert "可以延长30个工作日）确定" in text


@pytest.mark.parametrize(
    ("deadline", "words"),
    [
        (
            overdue(
                DeadlineKind.SERVICE,
                date(2026, 9, 1),
                date(2026, 9, 4),
                date(2026, 9, 11),
                "本机关规定：指令书应于作出后3日内送达；期间自送达之日起计算，未送达的不能作为后续处理的依据",
            ),
            ["“指令书送达期限”依据本机关规定（指令书应于作出后3日内送达；期间自送达之日起计算", "已于2026年9月4日届满"],
        ),
        (
            overdue(
                DeadlineKind.CLEAR_3_MONTHS,
                date(2026, 7, 1),
                date(2026, 10, 1),
                date(2026, 10, 14),
                "山西省2019年根治欠薪工作要点“三个清零”要求：新发欠薪案件自收到投诉之日起3个月内清零",
            ),
            ["“三个月内清零”期限依据山西省2019年根治欠薪工作要点“三个清零”要求（新发欠薪案件", "已于2026年10月1日届满"],
        ),
        (
            overdue(DeadlineKind.BLACKLIST_DEFENSE, date(2026, 9, 1), date(2026, 9, 8), None),  # no basis recorded
            ["其“列入名单陈述申辩期”，已于2026年9月8日届满"],
        ),
    ],
)
def test_other_deadline_kinds(deadline: Deadline, words: list[str]) -> None:
    ctx = supervision(supervised_case(deadline), deadline.kind.value, issued_on=date(2026, 10, 20))
    for w in words:
        assert w in body(ctx), w
    assert DEADLINE_ZH[deadline.kind] in body(ctx)
    assert ctx.legal_basis == ([deadline.basis.split("：")[0]] if deadline.basis else [])


# --- the case and the addressee ---------------------------------------------------------------------


def test_a_case_without_a_number_is_named_by_the_day_it_came_in() -> None:
    accept = overdue(
        DeadlineKind.ACCEPTANCE,
        date(2026, 11, 3),
        date(2026, 11, 10),
        date(2026, 11, 17),
        "《关于实施〈劳动保障监察条例〉若干规定》第十八条：自收到投诉之日起5个工作日内决定是否受理",
    )
    case = make_case().model_copy(update={"case_number": None, "deadlines": [accept]})
    ctx = supervision(case, DeadlineKind.ACCEPTANCE.value, issued_on=date(2026, 11, 18))
    assert ctx.case_number is None
    text = body(ctx)
    assert f"你单位承办的涉及{EMPLOYER}" in text and "的欠薪案件（收到日期：2026年11月3日）" in text
    assert (
        "“受理期限”依据《关于实施〈劳动保障监察条例〉若干规定》第十八条（自收到投诉之日起5个工作日内决定是否受理）"
        in text
    )
    inspected = case.model_copy(update={"channel": Channel.INSPECTION})
    found = supervision(inspected, DeadlineKind.ACCEPTANCE.value, issued_on=date(2026, 11, 18))
    assert "（发现日期：2026年11月3日）" in body(found)


def test_the_unit_is_not_named_twice_when_the_bureau_is_the_inspection_unit() -> None:
    bureau = BUREAU.model_copy(update={"name": "太原市小店区劳动保障监察大队"})
    assert supervision(bureau=bureau).addressee == "太原市小店区劳动保障监察大队（案件承办人）"


def test_markup_prints_literally(renderer: NoticeRenderer) -> None:
    hostile = '#set page(width: 1pt) ]) #panic("x") $y$'
    case = supervised_case()
    case = case.model_copy(update={"employer": case.employer.model_copy(update={"name": hostile})})
    assert squash(hostile) in pdf_text(renderer.render(supervision(case)))


def test_same_input_same_bytes(renderer: NoticeRenderer) -> None:
    assert renderer.render(supervision()) == renderer.render(supervision())


# --- refused ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (None, "须指明所督办的期限种类"),
        ("", "须指明所督办的期限种类"),
        ("nonsense", "期限种类不明：nonsense"),
        ("Investigation", "期限种类不明"),
        (DeadlineKind.CLEAR_MAJOR.value, "案件中没有“重大（存量）案件限期清零”"),
    ],
)
def test_a_missing_or_unknown_deadline_kind_is_refused(deadline: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        supervision(deadline=deadline)


def test_a_case_without_deadlines_is_refused() -> None:
    with pytest.raises(ValueError, match="案件中没有“调查办结期限”"):
        build_context(
            NoticeKind.SUPERVISION,
            make_case(),
            bureau=BUREAU,
            doc_number=DOC,
            issued_on=ISSUED,
            deadline="investigation",
        )


@pytest.mark.parametrize("status", [DeadlineStatus.MET, DeadlineStatus.MET_LATE, DeadlineStatus.CANCELLED])
def test_a_met_or_cancelled_deadline_is_not_supervised(status: DeadlineStatus) -> None:
    with pytest.raises(ValueError, match="已办结或已取消"):
        supervision(supervised_case(INVESTIGATION.model_copy(update={"status": status})))


@pytest.mark.parametrize("issued_on", [date(2026, 9, 24), date(2026, 10, 9)])
def test_not_before_the_deadline_is_overdue_long_enough(issued_on: date) -> None:
    """On the due date or within the five working days after it, the notice would say what is not true."""
    with pytest.raises(ValueError, match="尚未逾期满5个工作日"):
        supervision(issued_on=issued_on)
