"""Notice rendering speed: 50 distinct notices, reported in ms and as a ratio against a one-line
typst document compiled with the same fonts in the same process, so the ratio means the same on
any machine. Every notice differs (document number, workers) so typst's memoisation cannot
serve a cached result. No assertions: run ``.venv/bin/python bench/bench_notices.py``."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _timed(fn: Callable[[int], object], runs: int) -> list[float]:
    out: list[float] = []
    for i in range(runs):
        started = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - started)
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(n: int = 50) -> None:
    import typst

    from bench._builders import intake_body
    from models.actions import Actor
    from models.case import CaseIntake, CaseState, Deadline, DeadlineKind, DeadlineStatus, NoticeRef, Role
    from models.enforcement import CourtEnforcement, DecisionTrack, PenaltyBasis, PenaltyTrack
    from models.notices import CASE_KINDS, Bureau, NoticeContext
    from models.start import CaseStart
    from notices.context import build_context
    from notices.render import BODY_FONT, NoticeRenderer
    from rules.transitions import decision_lines
    from workflows.case import initial_state

    bureau = Bureau(name="太原市小店区人力资源和社会保障局", abbr="小人社监", region_code="140105")
    served = NoticeRef(
        notice_id="C1-payment_order-1",
        kind="payment_order",
        doc_number="小人社监令〔2026〕1号",
        issued_at=datetime(2026, 11, 22, 2, tzinfo=UTC),
        sha256="0" * 64,
        served_at=datetime(2026, 11, 22, 6, tzinfo=UTC),
        service_method="direct",
    )

    fine = NoticeRef(
        notice_id="C1-penalty_decision-1",
        kind="penalty_decision",
        doc_number="小人社监罚决〔2026〕1号",
        issued_at=datetime(2026, 11, 21, 7, tzinfo=UTC),
        sha256="0" * 64,
        served_at=datetime(2026, 11, 22, 2, tzinfo=UTC),
        service_method="direct",
    )
    at = datetime(2026, 11, 21, 7, tzinfo=UTC)

    def make_case(workers: int) -> CaseState:
        intake = CaseIntake.model_validate(intake_body(workers=workers))
        actor = Actor(user_id="u", name="inspector", role=Role.INSPECTOR)
        state = initial_state(CaseStart(case_id="C1", intake=intake, created_by=actor))
        rate = Decimal("0.50")
        # every notice kind can be built: a decision made, a fine imposed after a hearing and gone to court
        decision = DecisionTrack(
            proposed_rate=rate, proposed_at=at, rate=rate, lines=decision_lines(state, rate), decided_at=at
        )
        penalty = PenaltyTrack(
            basis=PenaltyBasis.INSPECTION_ART30,
            proposed_amount=Decimal("20000"),
            proposed_at=at,
            hearing_right=True,
            hearing_requested_at=at,
            hearing_at=at,
            hearing_place="听证室",
            hearing_held_at=at,
            legal_review_at=at,
            decided_at=at,
            imposed=True,
            amount=Decimal("20000"),
            notice_id=fine.notice_id,
            enforcement=CourtEnforcement(served_on=date(2026, 11, 22), opened_at=at),
        )
        return state.model_copy(
            update={
                "case_number": "小人社监案〔2026〕7号",
                "order_due": date(2026, 12, 5),
                "rejection_code": "other_territory",
                "rejection_reason": "请向迎泽区人力资源和社会保障局反映",
                "supplement_missing": "工资欠条",
                "close_reason": "cleared",
                "notices": [served, fine],
                "decision": decision,
                "penalty": penalty,
                # what a 督办通知书 chases: an acceptance deadline five working days overdue
                "deadlines": [
                    Deadline(
                        kind=DeadlineKind.ACCEPTANCE,
                        start=date(2026, 11, 3),
                        due=date(2026, 11, 10),
                        status=DeadlineStatus.OVERDUE,
                        basis="《关于实施〈劳动保障监察条例〉若干规定》第十八条：自收到投诉之日起5个工作日内决定是否受理",
                        escalate_after=date(2026, 11, 17),
                    )
                ],
            }
        )

    kinds = list(CASE_KINDS)
    contexts: list[NoticeContext] = [
        build_context(
            kinds[i % len(kinds)],
            make_case(workers=1 + i % 20),
            bureau=bureau,
            doc_number=f"小人社监令〔2026〕{i + 1}号",
            issued_on=date(2026, 11, 22),
            subject=served,
            deadline=DeadlineKind.ACCEPTANCE.value,
        )
        for i in range(n + 1)
    ]

    started = time.perf_counter()
    renderer = NoticeRenderer()
    init = time.perf_counter() - started
    started = time.perf_counter()
    renderer.render(contexts[n])
    first = time.perf_counter() - started

    fonts = [str(d) for d in renderer.font_dirs]
    baseline_compiler = typst.Compiler(font_paths=fonts, ignore_system_fonts=True)
    baseline_compiler.compile(input=f'#set text(font: "{BODY_FONT}")\n清零 0'.encode(), format="pdf")

    def baseline(i: int) -> object:
        source = f'#set text(font: "{BODY_FONT}")\n清零 {i + 1}'.encode()
        return baseline_compiler.compile(input=source, format="pdf")

    base = _timed(baseline, n)
    notice = _timed(lambda i: renderer.render(contexts[i]), n)

    print(f"renderer init (font index):        {_ms(init)}")
    print(f"first notice (cold compile):       {_ms(first)}")
    b_median, b_mean = statistics.median(base), statistics.mean(base)
    print(f"baseline one-line doc ({n} runs):  median {_ms(b_median)}, mean {_ms(b_mean)}")
    print(
        f"notices ({len(kinds)} kinds, 1–20 workers):  median {_ms(statistics.median(notice))}, "
        f"mean {_ms(statistics.mean(notice))}, max {_ms(max(notice))}"
    )
    print(f"ratio notice / baseline (median):  {statistics.median(notice) / b_median:.1f}x")


if __name__ == "__main__":
    main()
