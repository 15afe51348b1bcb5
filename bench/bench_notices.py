"""Notice rendering speed, reported as a ratio against a one-line typst document rendered by the
same engine in the same process (so the figure means the same on any machine). No assertions."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(n: int = 50) -> None:
    import typst

    from models.case import CaseIntake
    from models.notices import NoticeKind
    from notices.context import build_context
    from notices.render import NoticeRenderer
    from qingling.settings import Settings
    from tests.builders import intake_body
    from tests.harness import INSPECTOR
    from workflows.case import CaseStart, initial_state

    state = initial_state(
        CaseStart(case_id="B", intake=CaseIntake.model_validate(intake_body(workers=20)), created_by=INSPECTOR)
    )
    state = state.model_copy(update={"case_number": "小人社监案〔2026〕1号", "order_due": date(2026, 12, 5)})
    bureau = Settings().bureau_for("140105")
    ctx = build_context(
        NoticeKind.PAYMENT_ORDER, state, bureau=bureau, doc_number="小人社监令〔2026〕1号", issued_on=date(2026, 11, 22)
    )

    started = time.perf_counter()
    renderer = NoticeRenderer()
    renderer.render(ctx)
    cold = time.perf_counter() - started

    def timed(fn: object, runs: int) -> list[float]:
        out = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            out.append(time.perf_counter() - t)
        return out

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "baseline.typ"
        src.write_text("Hello", encoding="utf-8")
        baseline_compiler = typst.Compiler(str(src))
        base = timed(lambda: baseline_compiler.compile(format="pdf"), n)
    notice = timed(lambda: renderer.render(ctx), n)
    b, m = statistics.median(base), statistics.median(notice)
    print(f"cold first notice (fonts + compile): {cold * 1000:.1f} ms")
    print(f"baseline one-line document: median {b * 1000:.2f} ms over {n}")
    print(f"payment order, 20 workers:  median {m * 1000:.2f} ms, mean {statistics.mean(notice) * 1000:.2f} ms")
    print(f"ratio notice / baseline: {m / b:.1f}x")


if __name__ == "__main__":
    main()
