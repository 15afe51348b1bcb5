"""The year-end herd: N open cases fall due at one shared instant (Dec 31, the Spring Festival's eve, a
campaign date); the figure is the time from that instant until the last of the N cases has its escalation
recorded (history row and read model), for N = 1, 1,000 and 10,000 on the dev server.

How the shared instant is made on a server whose clock cannot be moved: each case is started from a state
carried over (as continue-as-new starts a case) whose two year-end targets (clear_year_end and
clear_before_new_year) fell due at the end of yesterday, with a start delay that ends at one absolute
instant for all of them. Until then the server holds every case; at the instant it releases them together,
and each case's clock finds both level-1 alarms due at once: exactly the work a per-case timer does at
midnight on Dec 31 (one workflow task, one local activity writing two history rows and the read model).

Both designs are measured on the same server, worker and database:
- ``per_case``: one durable timer per case (the case's own clock, ``shared_clock`` off);
- ``shared``: the one shared clock (workflows/shared_clock.py): its timer fires (here: its ``fire`` signal at
  the instant) and one activity raises the alarms of every open case in bulk, from the read model, without
  waking the case workflows; the case shows them as its own (db.cases.with_shared).

    .venv/bin/python bench/bench_herd.py --size full      # writes bench/results_herd.json (make bench)
    .venv/bin/python bench/bench_herd.py --herds 10000 --designs per_case --out bench/results_herd_10k.json
                                                          # the per-case design at 10,000 (≈ 10 min; merged
                                                          # by report.py when present)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench import _builders as build
from bench._stack import QINGLING, CpuMeter, Stack, rss_mib

HERE = Path(__file__).resolve().parent
QUEUE = "herd"
KINDS = ("clear_year_end", "clear_before_new_year")


@dataclass(frozen=True)
class Size:
    herds: tuple[int, ...]
    target_n: int
    target_s: float
    per_case_max: int
    """The per-case design is measured up to this many cases: at 10,000 it alone takes longer than the whole
    of `make bench` may (about 20 cases a second); run it separately (see --help) into results_herd_10k.json."""


SIZES = {
    "tiny": Size(herds=(1, 20), target_n=20, target_s=60.0, per_case_max=20),
    "full": Size(herds=(1, 1000, 10000), target_n=10000, target_s=60.0, per_case_max=1000),
}


def herd_state(case_id: str, yesterday: Any) -> Any:
    """An open case (investigating) whose year-end targets were due yesterday, as a carried-over state."""
    from models.actions import Actor
    from models.case import CaseIntake, Deadline, DeadlineKind, Role, Stage
    from models.start import CaseStart
    from workflows.case import initial_state

    intake = CaseIntake.model_validate(build.intake_body(workers=1))
    actor = Actor(user_id="u_bench", name="bench", role=Role.INSPECTOR)
    state = initial_state(CaseStart(case_id=case_id, intake=intake, created_by=actor))
    deadlines = [
        Deadline(
            kind=DeadlineKind(kind),
            start=yesterday - timedelta(days=60),
            due=yesterday,
            warn_on=yesterday - timedelta(days=4),
            escalate_after=yesterday + timedelta(days=7),
        )
        for kind in KINDS
    ]
    return state.model_copy(
        update={
            "registered": True,
            "stage": Stage.INVESTIGATING,
            "assignee": "u_bench",
            "case_number": f"小人社监案〔2026〕{case_id}号",
            "deadlines": deadlines,
            "last_seq": 1,
        }
    )


async def seed_read_model(database_url: str, states: list[Any]) -> None:
    """The cases' read-model rows, as their intake would have left them (the alarms update them)."""
    from db.cases import save_case
    from db.migrate import upgrade
    from db.session import make_engine, make_session_factory

    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        async with make_session_factory(engine).begin() as s:
            for state in states:
                await save_case(s, state, datetime.now(UTC))
    finally:
        await engine.dispose()


async def count_escalated(database_url: str) -> int:
    from db.session import make_engine
    from db.tables import case_events

    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            q = select(func.count()).select_from(case_events).where(case_events.c.kind == "deadline_overdue")
            return int((await conn.execute(q)).scalar_one())
    finally:
        await engine.dispose()


async def wait_recorded(stack: Stack, target: int, n: int) -> tuple[float | None, dict[str, Any]]:
    """Seconds from now until ``target`` overdue escalations are in the history (None: not within the time
    allowed), and the CPU each process used meanwhile."""
    t0 = time.perf_counter()
    worker = stack.procs["worker"]
    cpu = CpuMeter({"worker": worker.pid, "temporal": stack.procs["temporal"].pid})
    cpu.start()
    done_at: float | None = None
    timeout = max(120.0, n * 0.1)
    while time.perf_counter() - t0 < timeout:
        worker.check()
        if await count_escalated(stack.database_url) >= target:
            done_at = time.perf_counter() - t0
            break
        await asyncio.sleep(0.1)
    return done_at, cpu.stop()


async def shared_herd(stack: Stack, client: Any, n: int, round_no: int) -> dict[str, Any]:
    """The shared clock: the cases' read model only (their workflows are not woken); one signal at the
    instant stands for its timer firing."""
    from models.clock import SHANGHAI
    from models.shared_clock import SHARED_CLOCK_ID
    from workflows.shared_clock import SharedClock

    yesterday = datetime.now(SHANGHAI).date() - timedelta(days=1)
    states = [
        herd_state(f"QL-SHARED-{round_no}-{uuid.uuid4().hex[:10]}", yesterday).model_copy(update={"shared_clock": True})
        for _ in range(n)
    ]
    await seed_read_model(stack.database_url, states)
    before = await count_escalated(stack.database_url)
    clock = client.get_workflow_handle(SHARED_CLOCK_ID)
    await clock.describe()  # the worker started it
    await clock.signal(SharedClock.fire)
    done_at, cpu = await wait_recorded(stack, before + n * len(KINDS), n)
    got = await count_escalated(stack.database_url) - before
    return {
        "n": n,
        "escalations_expected": n * len(KINDS),
        "escalations_recorded": got,
        "seconds_to_last": None if done_at is None else round(done_at, 2),
        "cases_per_s": None if not done_at else round(n / done_at, 1),
        "cpu": cpu,
    }


async def one_herd(stack: Stack, client: Any, n: int, round_no: int) -> dict[str, Any]:
    from models.case import CaseIntake
    from models.clock import SHANGHAI
    from models.start import CaseStart
    from workflows.case import ArrearsCase

    yesterday = datetime.now(SHANGHAI).date() - timedelta(days=1)
    ids = [f"QL-HERD-{round_no}-{uuid.uuid4().hex[:10]}" for _ in range(n)]
    states = [herd_state(i, yesterday) for i in ids]
    await seed_read_model(stack.database_url, states)
    before = await count_escalated(stack.database_url)
    intake = CaseIntake.model_validate(build.intake_body(workers=1))
    actor_start = time.perf_counter()
    # Starting 10,000 workflows takes a while: the shared instant lies beyond it.
    lead = max(5.0, n / 25 + 5)
    instant = datetime.now(UTC) + timedelta(seconds=lead)
    sem = asyncio.Semaphore(32)

    async def start(state: Any) -> None:
        from models.actions import Actor
        from models.case import Role

        start_arg = CaseStart(
            case_id=state.case_id,
            intake=intake,
            created_by=Actor(user_id="u_bench", name="bench", role=Role.INSPECTOR),
            resume=state,
        )
        async with sem:
            delay = instant - datetime.now(UTC)
            await client.start_workflow(
                ArrearsCase.run,
                start_arg,
                id=state.case_id,
                task_queue=QUEUE,
                start_delay=max(delay, timedelta(milliseconds=1)),
            )

    await asyncio.gather(*(start(s) for s in states))
    started_s = time.perf_counter() - actor_start
    late = datetime.now(UTC) > instant
    wait = (instant - datetime.now(UTC)).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait)
    done_at, cpu = await wait_recorded(stack, before + n * len(KINDS), n)
    worker = stack.procs["worker"]
    got = await count_escalated(stack.database_url) - before
    result: dict[str, Any] = {
        "n": n,
        "escalations_expected": n * len(KINDS),
        "escalations_recorded": got,
        "seconds_to_last": None if done_at is None else round(done_at, 2),
        "cases_per_s": None if not done_at else round(n / done_at, 1),
        "starting_took_s": round(started_s, 1),
        "instant_missed_by_starts": late,
        "cpu": cpu,
        "worker_rss_mib": round(rss_mib(worker.pid), 1),
    }
    for state in states[: min(len(states), 50)]:
        await client.get_workflow_handle(state.case_id).terminate()
    return result


async def run(size: Size, work_dir: Path, designs: tuple[str, ...] = ("shared", "per_case")) -> dict[str, Any]:
    from config.settings import Settings
    from qingling.services import connect_with_retry  # the port opens before the frontend is healthy

    out: dict[str, Any] = {"kinds": list(KINDS), "designs": {"per_case": [], "shared": []}, "errors": {}}
    stack = Stack(work_dir)
    started = time.perf_counter()
    try:
        stack.start_temporal()
        client = await connect_with_retry(Settings(temporal_address=stack.temporal_address))
        await seed_read_model(stack.database_url, [])
        env_cache = str(max(size.herds) + 500)
        env = {**stack.env(QUEUE), "QINGLING_WORKFLOW_CACHE": env_cache}
        stack._spawn("worker", [QINGLING, "worker"], env)
        await asyncio.sleep(3)
        for i, n in enumerate(size.herds):
            for design, measure in (("shared", shared_herd), ("per_case", one_herd)):
                if design not in designs or (design == "per_case" and n > size.per_case_max):
                    continue
                print(f"[herd] {design}: {n} cases…", file=sys.stderr, flush=True)
                try:
                    out["designs"][design].append(await measure(stack, client, n, i))
                except Exception as exc:
                    out["errors"][f"{design}-{n}"] = f"{type(exc).__name__}: {exc}"[:1500]
    except Exception as exc:
        out["errors"]["stack"] = f"{type(exc).__name__}: {exc}"[:1500]
    finally:
        stack.stop_all()
    out["target"] = {"n": size.target_n, "seconds": size.target_s}
    for design, herds in out["designs"].items():
        big = next((h for h in herds if h["n"] == size.target_n), None)
        out[f"target_met_{design}"] = bool(
            big and big["seconds_to_last"] is not None and big["seconds_to_last"] <= size.target_s
        )
    times = {
        d: next((h["seconds_to_last"] for h in hs if h["n"] == size.target_n), None) for d, hs in out["designs"].items()
    }
    known = {d: t for d, t in times.items() if t is not None}
    out["faster"] = min(known, key=lambda d: known[d]) if known else None
    out["total_s"] = round(time.perf_counter() - started, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--size", choices=sorted(SIZES), default="full")
    p.add_argument("--out", type=Path, default=HERE / "results_herd.json")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, databases)")
    p.add_argument("--herds", help="override the size's herd sizes, e.g. 1,1000")
    p.add_argument("--designs", default="shared,per_case", help="which designs to measure")
    args = p.parse_args(argv)
    size = SIZES[args.size]
    if args.herds:
        herds = tuple(int(n) for n in args.herds.split(","))
        size = Size(herds, size.target_n, size.target_s, max(herds))
    work_dir = Path(tempfile.mkdtemp(prefix="qingling-herd-"))
    try:
        result = asyncio.run(run(size, work_dir, tuple(args.designs.split(","))))
    finally:
        if args.keep:
            print(f"[herd] kept {work_dir}", file=sys.stderr)
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    result["size"] = args.size
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"[herd] wrote {args.out}: {json.dumps(result['designs'], ensure_ascii=False)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    from bench._main import run as run_script

    run_script(main)
