"""Cases built from a validated intake the way the workflow builds them and one renderer per session,
since building the renderer indexes the CJK fonts."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from models.case import CaseIntake, CaseState, Deadline, DeadlineKind, DeadlineStatus, NoticeRef
from models.enforcement import CourtEnforcement, DecisionLine, DecisionTrack, PenaltyBasis, PenaltyTrack
from models.notices import Bureau, NoticeContext, NoticeKind
from models.start import CaseStart
from notices.amounts import compensation_on
from notices.context import build_context
from notices.render import NoticeRenderer
from tests.builders import intake_body
from tests.harness import INSPECTOR
from workflows.case import initial_state

BUREAU = Bureau(
    name="太原市小店区人力资源和社会保障局",
    abbr="小人社监",
    region_code="140105",
    address="太原市小店区某路1号",
    phone="0351-12333",
)
ISSUED = date(2026, 11, 22)
DUE = date(2026, 12, 5)
RECEIVED = "2026-11-03T10:00:00+08:00"
DOC = "小人社监令〔2026〕15号"
ORDER_DOC = "小人社监令〔2026〕3号"
SERVED_AT = datetime.fromisoformat("2026-11-23T10:05:00+08:00")
REVIEW_BODY = "太原市小店区人民政府"
COURT = "太原市小店区人民法院"
SUPERVISED = DeadlineKind.ACCEPTANCE.value
"""The deadline a 督办通知书 of ``make_case`` is about: received 11-03, due 11-10, its 5th working day
overdue 11-17, so five working days overdue when notices are issued (ISSUED)."""
OVERDUE_ACCEPTANCE = Deadline(
    kind=DeadlineKind.ACCEPTANCE,
    start=date(2026, 11, 3),
    due=date(2026, 11, 10),
    status=DeadlineStatus.OVERDUE,
    basis="《关于实施〈劳动保障监察条例〉若干规定》第十八条：自收到投诉之日起5个工作日内决定是否受理",
    escalate_after=date(2026, 11, 17),
)


def decided(case: CaseState, rate: Decimal = Decimal("0.50")) -> DecisionTrack:
    """The administrative decision made on every worker's outstanding wages, with 加付赔偿金 at ``rate``."""
    lines = [
        DecisionLine(id_number=w.id_number, wages=w.outstanding, compensation=compensation_on(w.outstanding, rate))
        for w in case.workers
        if w.outstanding > 0
    ]
    at = datetime.fromisoformat("2026-11-21T09:00:00+08:00")
    return DecisionTrack(proposed_rate=rate, proposed_at=at, rate=rate, lines=lines, decided_at=at)


def penalised() -> PenaltyTrack:
    """A fine of 20,000 yuan under 条例 art. 30, proposed with the right to a hearing, heard, reviewed and
    imposed, so that each of the penalty's three notices can be built from the same case."""

    def at(moment: str) -> datetime:
        return datetime.fromisoformat(f"2026-11-{moment}+08:00")

    return PenaltyTrack(
        basis=PenaltyBasis.INSPECTION_ART30,
        proposed_amount=Decimal("20000.00"),
        proposed_at=at("06T09:00:00"),
        hearing_right=True,
        hearing_requested_at=at("09T10:00:00"),
        hearing_at=at("18T09:30:00"),
        hearing_place="太原市小店区某路1号听证室",
        hearing_held_at=at("18T09:30:00"),
        legal_review_at=at("20T10:00:00"),
        decided_at=at("21T15:00:00"),
        imposed=True,
        amount=Decimal("20000.00"),
        reason="违法事实清楚，证据确凿",
        notice_id=FINE_DECISION.notice_id,
        # served, then neither challenged nor paid within the periods: the court application can be drafted
        enforcement=CourtEnforcement(served_on=date(2026, 11, 22), opened_at=at("23T00:00:00")),
    )


FINE_DECISION = NoticeRef(
    notice_id="C1-penalty_decision-1",
    kind="penalty_decision",
    doc_number="小人社监罚决〔2026〕1号",
    issued_at=datetime.fromisoformat("2026-11-21T15:00:00+08:00"),
    sha256="0" * 64,
    served_at=datetime.fromisoformat("2026-11-22T10:00:00+08:00"),
    service_method="direct",
)


def make_case(workers: int = 2, **overrides: Any) -> CaseState:
    """A case as the workflow holds it after intake, with the fields each notice needs filled in."""
    intake = CaseIntake.model_validate(intake_body(workers=workers, received_at=RECEIVED, **overrides))
    state = initial_state(CaseStart(case_id="C1", intake=intake, created_by=INSPECTOR))
    return state.model_copy(
        update={
            "case_number": "小人社监案〔2026〕7号",
            "order_due": DUE,
            "rejection_reason": "不属于本机关管辖，请向迎泽区人力资源和社会保障局反映",
            "close_reason": "cleared",
            "deadlines": [OVERDUE_ACCEPTANCE],
            "decision": decided(state),
            "penalty": penalised(),
            "notices": [FINE_DECISION],
        }
    )


def pdf_text(pdf: bytes) -> str:
    """Visible text of every page with all whitespace removed (extraction splits lines anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="session")
def renderer() -> NoticeRenderer:
    return NoticeRenderer()


def paid_in_full(case: CaseState) -> CaseState:
    """Every worker paid what is due (claimed, or confirmed where a finding was recorded)."""
    for w in case.workers:
        w.paid_amount = w.amount_due
    return case


def served_notice(
    kind: NoticeKind = NoticeKind.PAYMENT_ORDER,
    method: str | None = "direct",
    recipient: str | None = None,
    doc_number: str = ORDER_DOC,
) -> NoticeRef:
    """A notice of the case as the workflow holds it once its service is recorded."""
    return NoticeRef(
        notice_id=f"C1-{kind.value}-1",
        kind=kind.value,
        doc_number=doc_number,
        issued_at=datetime.fromisoformat("2026-11-22T09:00:00+08:00"),
        sha256="0" * 64,
        served_at=SERVED_AT if method else None,
        service_method=method,
        service_recipient=recipient,
    )


def notice_context(
    kind: NoticeKind,
    case: CaseState | None = None,
    *,
    bureau: Bureau = BUREAU,
    doc_number: str = DOC,
    subject: NoticeRef | None = None,
) -> NoticeContext:
    """The context the activity builds; a 送达回证 proves the service of an order unless told otherwise."""
    case = case or make_case()
    if kind == NoticeKind.SERVICE_RECEIPT and subject is None:
        subject = served_notice()
        case = case.model_copy(update={"notices": [*case.notices, subject]})
    return build_context(
        kind, case, bureau=bureau, doc_number=doc_number, issued_on=ISSUED, subject=subject, deadline=SUPERVISED
    )
