"""Faults survived, on real parts: the Temporal dev server binary, PostgreSQL, `qingling api` and workers as
processes.

- Workers SIGKILLed right after each kind of activity did its work, twice in a row per kind (a new worker
  started each time): every case still completes with exactly one history row per step, one notice (one
  document number, one PDF) per step, each alarm raised once and one digest per region and day.
- PostgreSQL stopped in the middle of actions and started again: nothing in flight is lost, activities are
  retried with backoff, the API answers 503 with a clear message meanwhile and recovers by itself.
- The Temporal dev server killed and restarted on its SQLite file: cases and their timers carry on."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from config.settings import Settings
from config.temporal import case_workflow_id, dev_server_argv
from db import devcluster
from db.devcluster import free_port
from models.clock import SHANGHAI
from models.shared_clock import SHARED_CLOCK_ID
from qingling.schedules import DIGEST_SCHEDULE_ID
from qingling.services import connect_with_retry
from tests.builders import intake_body, make_id
from tests.e2e.stack import QINGLING, headers, post_action, qingling, wait_healthy, wait_port

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[2]
KILLS = {
    "compute_deadlines": 2,  # local: the deadlines at intake
    "record_event": 2,
    "assign_case_number": 2,
    "compute_deadline": 2,  # local: a deadline set by an action
    "issue_notice": 2,
    "record_events": 2,  # local: alarms raised by the case's own timer
    "shared_moments": 2,  # local: the shared clock reading its next moments
    "raise_shared": 2,
    "make_digests": 2,
}


@dataclass
class FaultStack:
    """The stack, with one worker kept running: whenever it dies a new one is started with ``worker_env``."""

    env: dict[str, str]
    api: str
    tmp: Path
    cluster: devcluster.Cluster
    temporal_port: int
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    worker_env: dict[str, str] = field(default_factory=dict)
    worker_starts: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def settings(self) -> Settings:
        return Settings(
            temporal_address=self.env["QINGLING_TEMPORAL_ADDRESS"],
            task_queue=self.env["QINGLING_TASK_QUEUE"],
            database_url=self.env["QINGLING_DATABASE_URL"],
        )

    def log(self, name: str) -> Any:
        return (self.tmp / f"{name}.log").open("ab")

    def start_temporal(self) -> None:
        argv = dev_server_argv(self.temporal_port, self.tmp / "temporal.db")
        self.procs["temporal"] = subprocess.Popen(argv, stdout=self.log("temporal"), stderr=subprocess.STDOUT)
        wait_port(self.temporal_port)

    def start_worker(self) -> None:
        argv = [sys.executable, "-m", "tests.e2e.fault_worker"]
        env = {**self.env, **self.worker_env}
        self.procs["worker"] = subprocess.Popen(
            argv, env=env, cwd=REPO, stdout=self.log("worker"), stderr=subprocess.STDOUT
        )
        self.worker_starts += 1

    def keep_worker(self) -> None:
        while not self.stopping.wait(0.2):
            if self.procs["worker"].poll() is not None:
                self.start_worker()

    def cli(self, *args: str) -> str:
        return qingling(self.env, *args)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    cluster = devcluster.start_cluster()
    if cluster is None:
        pytest.skip("PostgreSQL server binaries not found")
    tmp = tmp_path_factory.mktemp("faults")
    subprocess.run(
        ["psql", cluster.admin_url, "-qc", "CREATE DATABASE qingling"], check=True, capture_output=True, timeout=60
    )
    api_port = free_port()
    env = {
        **os.environ,
        "QINGLING_TEMPORAL_ADDRESS": "",
        "QINGLING_DATABASE_URL": cluster.url("qingling"),
        "QINGLING_NOTICE_DIR": str(tmp / "notices"),
        "QINGLING_API_PORT": str(api_port),
        "QINGLING_TASK_QUEUE": "faults",
    }
    s = FaultStack(env=env, api=f"http://127.0.0.1:{api_port}", tmp=tmp, cluster=cluster, temporal_port=free_port())
    s.env["QINGLING_TEMPORAL_ADDRESS"] = f"127.0.0.1:{s.temporal_port}"
    keeper = threading.Thread(target=s.keep_worker, daemon=True)
    try:
        s.start_temporal()
        s.cli("db", "upgrade")
        for role in ("inspector", "supervisor", "head"):
            s.env["TOKEN_" + role.upper()] = s.cli(
                "user", "create", "--name", role, "--role", role, "--region", "140105"
            )
        s.procs["api"] = subprocess.Popen([QINGLING, "api"], env=s.env, stdout=s.log("api"), stderr=subprocess.STDOUT)
        s.start_worker()
        keeper.start()
        wait_port(api_port)
        yield s
    finally:
        s.stopping.set()
        if keeper.is_alive():
            keeper.join(timeout=5)
        for proc in s.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in s.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        cluster.stop()


@pytest.fixture
async def http(stack: FaultStack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.api, timeout=300) as client:
        await wait_healthy(client, timeout=120)
        yield client


@pytest.fixture
async def temporal(stack: FaultStack) -> Client:
    return await connect_with_retry(stack.settings)


async def fetch(stack: FaultStack, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.cluster.admin_url.rsplit("/", 1)[0] + "/qingling")
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def intake(http: httpx.AsyncClient, stack: FaultStack, **overrides: Any) -> str:
    """A new case, submitted as a careful client would: with an Idempotency-Key, again after a 503."""
    key = uuid.uuid4().hex
    h = {**headers(stack, "inspector"), "Idempotency-Key": key}
    body = intake_body(**overrides)
    for _ in range(20):
        r = await http.post("/api/v1/cases", json=body, headers=h)
        if r.status_code in (200, 201):
            return str(r.json()["case_id"])
        assert r.status_code == 503, r.text
        await asyncio.sleep(1)
    raise AssertionError(f"intake never answered: {r.text}")


def ago(days: int) -> str:
    return (datetime.now(SHANGHAI) - timedelta(days=days)).isoformat()


async def drive_to_closed(http: httpx.AsyncClient, stack: FaultStack, cid: str) -> None:
    await post_action(http, stack, cid, "accept", {})
    finding = {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]}
    await post_action(http, stack, cid, "record_finding", finding)
    due = datetime.now(SHANGHAI).date() + timedelta(days=7)
    ordered = await post_action(http, stack, cid, "issue_order", {"due_date": due.isoformat()})
    order = ordered["notices"][-1]["notice_id"]
    served = {"notice_id": order, "served_at": datetime.now(SHANGHAI).isoformat(), "method": "direct"}
    await post_action(http, stack, cid, "record_service", served)
    paid_at = datetime.now(SHANGHAI).isoformat()
    payments = [
        {"id_number": make_id(1), "amount": "11000.00", "paid_at": paid_at},
        {"id_number": make_id(2), "amount": "12000.00", "paid_at": paid_at},
    ]
    await post_action(http, stack, cid, "record_payment", {"payments": payments})
    closed = await post_action(http, stack, cid, "close", {"reason": "cleared"}, who="supervisor")
    assert closed["stage"] == "closed"


async def history_kinds(http: httpx.AsyncClient, stack: FaultStack, cid: str) -> list[str]:
    r = await http.get(f"/api/v1/cases/{cid}/history", headers=headers(stack, "supervisor"))
    assert r.status_code == 200, r.text
    seqs = [int(h["seq"]) for h in r.json()]
    own = [seq for seq in seqs if seq > 0]  # the shared clock's rows have negative seqs of their own
    assert own == list(range(1, len(own) + 1)) and len(set(seqs)) == len(seqs), f"a row missing or doubled: {seqs}"
    return [str(h["kind"]) for h in r.json()]


async def wait_until(check: Any, timeout: float, what: str) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < end:
        if await check():
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


async def test_workers_killed_after_each_kind_of_activity(
    stack: FaultStack, http: httpx.AsyncClient, temporal: Client
) -> None:
    deaths = stack.tmp / "kills.log"
    stack.worker_env = {
        "QINGLING_FAULT_KILLS": ",".join(f"{k}:{n}" for k, n in KILLS.items()),
        "QINGLING_FAULT_LOG": str(deaths),
    }
    stack.procs["worker"].send_signal(signal.SIGTERM)  # the next worker follows the plan
    starts = stack.worker_starts

    # A case driven from complaint to closing, and a complaint received 20 days ago: its acceptance
    # deadline passed long since, so its own clock raises the warning, level 1 and level 2 (with a
    # 督办通知书) as soon as it starts.
    closed_case = await intake(http, stack)
    late_case = await intake(http, stack, received_at=ago(20))
    await drive_to_closed(http, stack, closed_case)
    # The shared clock raises what is due on New Year's day for every open case, and the digest runs.
    shared = temporal.get_workflow_handle(SHARED_CLOCK_ID)
    await shared.signal("fire", datetime(2027, 1, 1, tzinfo=SHANGHAI))
    await temporal.get_schedule_handle(DIGEST_SCHEDULE_ID).trigger()

    def died() -> list[str]:
        return [line.split()[0] for line in deaths.read_text().splitlines()] if deaths.exists() else []

    async def all_died() -> bool:
        return sorted(died()) == sorted(k for k, n in KILLS.items() for _ in range(n))

    await wait_until(all_died, 600, f"every planned death (so far: {died()})")
    assert stack.worker_starts - starts >= sum(KILLS.values())

    # The closed case: one row per step, one notice per step.
    assert await history_kinds(http, stack, closed_case) == [
        "intake",
        "accept",
        "record_finding",
        "issue_order",
        "record_service",
        "record_payment",
        "close",
    ]

    # The late case: each alarm once, as an escalation and as a history row, and one 督办通知书 (no
    # warning: it would come after the deadline it warns of).
    async def alarms_settled() -> bool:
        rows = await fetch(stack, "SELECT count(*) AS n FROM case_escalations WHERE case_id = $1", late_case)
        described = await temporal.get_workflow_handle(case_workflow_id(late_case)).describe()
        return int(rows[0]["n"]) >= 2 and not described.raw_description.pending_activities

    await wait_until(alarms_settled, 120, "the late case's alarms")
    escalations = await fetch(
        stack, "SELECT kind, level, deadline_kind FROM case_escalations WHERE case_id = $1 ORDER BY position", late_case
    )
    keys = [(e["kind"], e["level"], e["deadline_kind"]) for e in escalations]
    assert len(keys) == len(set(keys))
    assert {("overdue", 1, "acceptance"), ("supervision", 2, "acceptance")} <= set(keys)
    kinds = await history_kinds(http, stack, late_case)
    alarm_rows = [k for k in kinds if k.startswith("deadline_")]
    assert kinds[0] == "intake" and len(alarm_rows) == len(keys)
    supervision = await fetch(stack, "SELECT count(*) AS n FROM notices WHERE case_id = $1", late_case)
    assert supervision[0]["n"] == sum(1 for kind, _, _ in keys if kind == "supervision")

    # Every notice once: its document number unbroken, its PDF written once.
    notices = await fetch(stack, "SELECT case_id, kind, occurrence, doc_number, path FROM notices")
    assert len({(n["case_id"], n["kind"], n["occurrence"]) for n in notices}) == len(notices)
    per_case = sorted(n["kind"] for n in notices if n["case_id"] == closed_case)
    assert per_case == ["acceptance", "closing", "payment_order", "service_receipt"]
    assert sorted(p.name for p in (stack.tmp / "notices").rglob("*.pdf")) == sorted(
        Path(n["path"]).name for n in notices
    )

    # The digest: one per region and day, however often its activity ran.
    digests = await fetch(stack, "SELECT region_code, day FROM digests")
    assert digests and len({(d["region_code"], d["day"]) for d in digests}) == len(digests)

    # And the chain over every history row is whole (the command exits non-zero on a broken one).
    stack.cli("audit", "verify")


async def pending_activities(temporal: Client, cid: str) -> list[Any]:
    described = await temporal.get_workflow_handle(case_workflow_id(cid)).describe()
    return list(described.raw_description.pending_activities)


async def test_postgres_outage_in_the_middle_of_actions(
    stack: FaultStack, http: httpx.AsyncClient, temporal: Client
) -> None:
    stack.worker_env = {}
    cases = [await intake(http, stack) for _ in range(3)]
    for cid in cases:
        await post_action(http, stack, cid, "accept", {})
    api_pid, worker_pid = stack.procs["api"].pid, stack.procs["worker"].pid

    # History rows cannot be written for now (reads go on): the actions pass the API and wait in their
    # activities, where the outage will find them.
    blocker = await asyncpg.connect(stack.cluster.admin_url.rsplit("/", 1)[0] + "/qingling")
    await blocker.execute("BEGIN; LOCK TABLE case_events IN EXCLUSIVE MODE")
    finding = {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]}
    inflight = [
        asyncio.create_task(
            http.post(f"/api/v1/cases/{cid}/actions/record_finding", json=finding, headers=headers(stack, "inspector"))
        )
        for cid in cases
    ]

    async def all_waiting() -> bool:
        return all([await pending_activities(temporal, cid) for cid in cases])

    await wait_until(all_waiting, 60, "the actions' activities")
    await asyncio.to_thread(stack.cluster.halt)
    try:
        health = await http.get("/api/v1/health")
        assert health.status_code == 503 and health.json()["checks"]["database"] is False
        listed = await http.get("/api/v1/cases", headers=headers(stack, "supervisor"))
        assert listed.status_code == 503, listed.text
        assert listed.json()["error"]["code"] == "database_unavailable"
        assert "案件数据库暂时无法连接" in listed.json()["error"]["message"]
        assert listed.headers["Retry-After"] == "5"
        refused = await http.post(
            f"/api/v1/cases/{cases[0]}/actions/record_finding", json=finding, headers=headers(stack, "inspector")
        )
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "database_unavailable"

        async def retried() -> bool:  # each waiting activity failed and is being retried with backoff
            pending = [a for cid in cases for a in await pending_activities(temporal, cid)]
            return all(a.attempt >= 3 and a.last_failure.message for a in pending)

        await wait_until(retried, 60, "activities retried while the database is down")
        assert not any(task.done() for task in inflight)
    finally:
        await asyncio.to_thread(stack.cluster.resume)

    answers = await asyncio.wait_for(asyncio.gather(*inflight), timeout=120)
    assert [a.status_code for a in answers] == [200] * len(cases), [a.text for a in answers]
    await wait_healthy(http, timeout=60)
    assert (stack.procs["api"].pid, stack.procs["worker"].pid) == (api_pid, worker_pid)  # recovered by itself
    for cid in cases:
        assert await history_kinds(http, stack, cid) == ["intake", "accept", "record_finding"]
    stack.cli("audit", "verify")


PROBE_QUEUE = "faults-probe"


@workflow.defn(name="FaultsTimerProbe", sandboxed=False)
class TimerProbe:
    """A plain durable timer, to show one set before the server went down fires after it came back."""

    @workflow.run
    async def run(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return "fired"


def timers_pending(events: list[Any]) -> set[str]:
    started = {
        e.timer_started_event_attributes.timer_id for e in events if e.HasField("timer_started_event_attributes")
    }
    ended = {e.timer_fired_event_attributes.timer_id for e in events if e.HasField("timer_fired_event_attributes")}
    ended |= {
        e.timer_canceled_event_attributes.timer_id for e in events if e.HasField("timer_canceled_event_attributes")
    }
    return started - ended


async def test_dev_server_restarted_on_its_file(stack: FaultStack, http: httpx.AsyncClient) -> None:
    stack.worker_env = {}
    cid = await intake(http, stack)
    await post_action(http, stack, cid, "accept", {})
    client = await connect_with_retry(stack.settings)
    probe_worker = Worker(
        client, task_queue=PROBE_QUEUE, workflows=[TimerProbe], workflow_runner=UnsandboxedWorkflowRunner()
    )
    async with probe_worker:
        probe = await client.start_workflow(
            TimerProbe.run, 20.0, id=f"probe-{uuid.uuid4().hex}", task_queue=PROBE_QUEUE
        )
        case = client.get_workflow_handle(case_workflow_id(cid))
        before = timers_pending([e async for e in case.fetch_history_events()])
        assert before, "the case waits on a timer for its next alarm"

        stack.procs["temporal"].send_signal(signal.SIGKILL)
        stack.procs["temporal"].wait(timeout=10)
        health = await http.get("/api/v1/health")
        assert health.status_code == 503 and health.json()["checks"]["temporal"] is False
        finding = {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]}
        refused = await http.post(
            f"/api/v1/cases/{cid}/actions/record_finding", json=finding, headers=headers(stack, "inspector")
        )
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "backend_unavailable", refused.text
        await asyncio.sleep(3)
        stack.start_temporal()  # the same port, the same SQLite file

        await wait_healthy(http, timeout=120)
        assert timers_pending([e async for e in case.fetch_history_events()]) >= before
        await post_action(http, stack, cid, "record_finding", finding)
        due = datetime.now(SHANGHAI).date() + timedelta(days=7)
        await post_action(http, stack, cid, "issue_order", {"due_date": due.isoformat()})
        assert await history_kinds(http, stack, cid) == ["intake", "accept", "record_finding", "issue_order"]
        assert await asyncio.wait_for(probe.result(), timeout=60) == "fired"
