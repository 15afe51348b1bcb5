"""No personal data in Temporal: a case's history, read from the server as it stores it (a client without
our codec, and `temporal workflow show`), holds neither the complainant's nor the workers' names, ID numbers
or phones in any event; workflow ids are case ids and search attributes carry none. On the time-skipping
server for a whole case, and on the real dev server through the API, where the Temporal CLI reads the same
history in clear only through the authenticated codec endpoint."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import uuid
import zlib
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory, WorkflowUpdateFailedError
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from config.codec import ENCODING as ZLIB_ENCODING
from config.sealing import SEALED_ENCODING
from config.settings import Settings
from config.temporal import data_converter, dev_server_argv, installed_binary
from db.devcluster import free_port
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.users import create_user
from models.actions import Action
from models.case import Role
from models.clock import shanghai_date
from qingling.services import connect_with_retry
from tests.builders import intake_body, make_id
from tests.config.test_sealing import SAFE_SEARCH_ATTRIBUTES, payloads_in, sealable_payloads, search_attributes
from tests.e2e.stack import wait_port
from tests.harness import HEAD, act, running_worker, start_case
from tests.workflows.test_case_workflow import refusal_code, registered


def personal_data(body: dict[str, Any]) -> set[str]:
    """Names, ID numbers and phones of the complainant, the workers and the employer's legal representative."""
    people = [body["complainant"], *body["workers"]]
    found = {str(p[k]) for p in people for k in ("name", "id_number", "phone") if p.get(k)}
    return found | {body["employer"]["legal_representative"]}


def views(event: HistoryEvent) -> Iterable[bytes]:
    """What the server holds for an event, as bytes, and inside any compressed payload: compression alone
    must not pass for sealing."""
    yield event.SerializeToString()
    for payload in payloads_in(event):
        if payload.metadata.get("encoding") == ZLIB_ENCODING:
            yield zlib.decompress(payload.data)


def leaks(history: WorkflowHistory, secrets: set[str]) -> list[tuple[int, str]]:
    """(event id, what) for every piece of personal data readable in the stored history."""
    return [
        (event.event_id, secret)
        for event in history.events
        for view in views(event)
        for secret in secrets
        if secret.encode() in view
    ]


def assert_sealed(history: WorkflowHistory, secrets: set[str]) -> None:
    assert history.workflow_id.startswith("QL-"), history.workflow_id  # a case id, nothing personal
    assert leaks(history, secrets) == []
    for event in history.events:
        assert set(search_attributes(event)) <= SAFE_SEARCH_ATTRIBUTES
        for payload in sealable_payloads(event):
            assert payload.metadata["encoding"] == SEALED_ENCODING, (event.event_type, payload.metadata)


def raw_client(client: Client) -> Client:
    """The same server, read as it stores the data: the default converter, no codec."""
    return Client(client.service_client, namespace=client.namespace, data_converter=DataConverter.default)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_whole_case_leaves_no_personal_data_in_temporal(
    time_skipping_env: WorkflowEnvironment, settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    env = time_skipping_env
    body = intake_body(workers=3)
    secrets = personal_data(body)
    assert make_id(1) in secrets and "张三" in secrets and "13812345678" in secrets
    async with running_worker(env.client, settings, sessions):
        handle = await start_case(env.client, settings, body)
        await registered(handle)
        await act(handle, Action.ACCEPT, {})
        await act(handle, Action.RECORD_FINDING, {"workers": [{"id_number": make_id(2), "confirmed_amount": "9000"}]})
        today = shanghai_date(await env.get_current_time())
        state = await act(handle, Action.ISSUE_ORDER, {"due_date": (today + timedelta(days=10)).isoformat()})
        at = (await env.get_current_time()).isoformat()
        served = {"notice_id": state.notices[-1].notice_id, "served_at": at, "method": "direct"}
        await act(handle, Action.RECORD_SERVICE, served)
        paid = "2026-11-21T09:00:00+08:00"
        payments = [{"id_number": make_id(i), "amount": "100.00", "paid_at": paid} for i in (1, 2, 3)]
        await act(handle, Action.RECORD_PAYMENT, {"payments": payments})
        with pytest.raises(WorkflowUpdateFailedError) as refused:  # names no one: the message is static
            await act(handle, Action.RECORD_PAYMENT, {"payments": [{**payments[0], "id_number": make_id(99)}]})
        assert refusal_code(refused.value) == "unknown_worker"
        state = await act(handle, Action.CLOSE, {"reason": "withdrawn"}, HEAD)
        assert state.stage == "closed"

    history = await raw_client(env.client).get_workflow_handle(handle.id).fetch_history()
    assert len(history.events) > 20
    assert_sealed(history, secrets)
    # The case's own client reads it all back: the data is there, only sealed.
    readable = await env.client.get_workflow_handle(handle.id).fetch_history()
    started = readable.events[0].workflow_execution_started_event_attributes.input
    (start,) = await env.client.data_converter.decode(started.payloads)
    assert start["intake"]["complainant"]["id_number"] == make_id(1)
    await handle.terminate()


async def test_the_check_finds_personal_data_when_payloads_are_not_sealed(
    time_skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """The same check on a case started by a client with sealing off (compressed, not sealed): it bites."""
    off = Settings(var_dir=tmp_path, payload_keys=None, payload_sealing="off")  # type: ignore[arg-type]
    base = time_skipping_env.client
    client = Client(base.service_client, namespace=base.namespace, data_converter=data_converter(off))
    body = intake_body(workers=3)
    handle = await start_case(client, off.model_copy(update={"task_queue": f"nobody-{uuid.uuid4().hex[:6]}"}), body)
    history = await raw_client(client).get_workflow_handle(handle.id).fetch_history()
    found = {secret for _, secret in leaks(history, personal_data(body))}
    await handle.terminate()
    assert found == personal_data(body)


# --- the real dev server ------------------------------------------------------------------------------------


async def temporal_cli(*args: str) -> str:
    """The installed `temporal` CLI, without blocking the loop (the API it may call runs in this loop)."""
    proc = await asyncio.create_subprocess_exec(
        str(installed_binary("temporal")), *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    return out.decode()


def decoded_texts(shown: Any) -> Iterable[str]:
    """Every payload ``data`` in `temporal workflow show --output json`, base64-decoded (the CLI prints
    payloads as protobuf JSON), plus the printed text itself."""
    if isinstance(shown, dict):
        for key, value in shown.items():
            if key == "data" and isinstance(value, str):
                try:
                    yield base64.b64decode(value).decode("utf-8", "replace")
                except ValueError:
                    yield value
            else:
                yield from decoded_texts(value)
    elif isinstance(shown, list):
        for item in shown:
            yield from decoded_texts(item)
    elif isinstance(shown, str):
        yield shown


@pytest.fixture
async def dev_server(tmp_path: Path) -> AsyncIterator[str]:
    port = free_port()
    log = (tmp_path / "temporal.log").open("ab")
    proc = subprocess.Popen(dev_server_argv(port, tmp_path / "temporal.db"), stdout=log, stderr=subprocess.STDOUT)
    try:
        await asyncio.to_thread(wait_port, port)
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.e2e
async def test_the_dev_server_holds_no_personal_data(dev_server: str, tmp_path: Path) -> None:
    api_port = free_port()
    settings = Settings(
        temporal_address=dev_server,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'qingling.db'}",
        notice_dir=tmp_path / "notices",
        var_dir=tmp_path,
        task_queue=f"sealed-{uuid.uuid4().hex[:8]}",
        api_port=api_port,
    )
    engine = make_engine(settings.database_url)
    await upgrade(engine)
    sessions = make_session_factory(engine)
    async with sessions.begin() as s:
        _, inspector = await create_user(s, "insp", Role.INSPECTOR, ["140105"])
        _, supervisor = await create_user(s, "sup", Role.SUPERVISOR, ["140105"])
    client = await connect_with_retry(settings)  # the port opens before the frontend is healthy
    app = create_app(settings, client=client, engine=engine)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=api_port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    body = intake_body(workers=2)
    secrets = personal_data(body)
    try:
        async with (
            running_worker(client, settings, sessions),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{api_port}", timeout=60) as http,
        ):
            while not server.started:
                await asyncio.sleep(0.05)
            auth = {"Authorization": f"Bearer {inspector}"}
            r = await http.post("/api/v1/cases", json=body, headers=auth)
            assert r.status_code == 201, r.text
            cid = r.json()["case_id"]
            for name, action in [
                ("accept", {}),
                ("record_finding", {"workers": [{"id_number": make_id(1), "confirmed_amount": "11000.00"}]}),
            ]:
                r = await http.post(f"/api/v1/cases/{cid}/actions/{name}", json=action, headers=auth)
                assert r.status_code == 200, r.text

            history = await raw_client(client).get_workflow_handle(cid).fetch_history()
            assert_sealed(history, secrets)

            address = ["--address", dev_server, "--namespace", settings.temporal_namespace]
            shown = await temporal_cli("workflow", "show", "--workflow-id", cid, "--output", "json", *address)
            texts = list(decoded_texts(json.loads(shown)))
            assert not [s for s in secrets if any(s in t for t in texts)]
            # The same history through the codec endpoint, with a supervisor's token: readable.
            codec = [
                "--codec-endpoint",
                f"http://127.0.0.1:{api_port}/codec",
                "--codec-auth",
                f"Bearer {supervisor}",
            ]
            opened = await temporal_cli("workflow", "show", "--workflow-id", cid, "--output", "json", *address, *codec)
            texts = list(decoded_texts(json.loads(opened)))
            assert all(any(s in t for t in texts) for s in secrets), secrets
    finally:
        server.should_exit = True
        await serving
        await engine.dispose()
