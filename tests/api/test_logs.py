"""Structured JSON logs (config/logs.py): one JSON object a line with the request id, the actor and the case,
and no personal data in any line, whichever library wrote it."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import logs
from db.users import user_by_token
from tests.api.conftest import Api
from tests.builders import intake_body, make_id

COMPLAINANT_ID = make_id(1)
WORKER_IDS = [make_id(1), make_id(2)]
PHONES = ["13812345678", "13900000000"]
KEYS = {"time", "level", "logger", "message", "request_id", "case_id", "actor"}


class Captured:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        text = self.stream.getvalue()
        assert text.endswith("\n") and "\n\n" not in text
        parsed = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
        for line in parsed:
            assert set(line) >= KEYS, line
        return parsed

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Our JSON handler on the root logger, at DEBUG: every library's records, SQL parameters included."""
    capture = Captured()
    handler = logs.make_handler(capture.stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_an_intake_and_an_action_are_logged_with_request_actor_and_case_and_no_personal_data(
    api: Api, sessions: async_sessionmaker[AsyncSession], captured: Captured, database_url: str
) -> None:
    async with sessions() as s:
        inspector = await user_by_token(s, api.tokens["inspector"])
    assert inspector is not None
    r = await api.http.post(
        "/api/v1/cases", json=intake_body(), headers={**api.auth("inspector"), "X-Request-ID": "intake-0001"}
    )
    assert r.status_code == 201, r.text
    cid = r.json()["case_id"]
    assert r.headers["X-Request-ID"] == "intake-0001"
    r = await api.http.post(f"/api/v1/cases/{cid}/actions/accept", json={}, headers=api.auth("inspector"))
    assert r.status_code == 200, r.text
    accept_request = r.headers["X-Request-ID"]
    paid = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    payments = [{"id_number": i, "amount": "100.00", "paid_at": paid} for i in WORKER_IDS]
    r = await api.http.post(
        f"/api/v1/cases/{cid}/actions/record_payment", json={"payments": payments}, headers=api.auth("inspector")
    )
    assert r.status_code == 200, r.text
    r = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("admin"))  # refused: logged with its actor
    assert r.status_code == 403

    lines = captured.lines()
    assert len(lines) > 20  # SQL, the worker's activities, the SDK, the API: everything at DEBUG
    for value in (COMPLAINANT_ID, *WORKER_IDS, *PHONES):
        assert value not in captured.text(), value
    if database_url.startswith("sqlite"):  # aiosqlite's DEBUG lines quote the SQL parameters: masked, not dropped
        assert any(
            f"{COMPLAINANT_ID[:6]}********" in line["message"] for line in lines if line["logger"] == "aiosqlite"
        )

    access = [line for line in lines if line["logger"] == "api.access"]
    intake = next(line for line in access if line["message"].startswith("POST /api/v1/cases 201"))
    assert (intake["request_id"], intake["actor"], intake["case_id"]) == ("intake-0001", inspector.user_id, cid)
    assert intake["level"] == "INFO" and re.fullmatch(r"POST /api/v1/cases 201 \d+ms", intake["message"])
    accept = next(line for line in access if line["message"].startswith(f"POST /api/v1/cases/{cid}/actions/accept"))
    assert (accept["request_id"], accept["actor"], accept["case_id"]) == (accept_request, inspector.user_id, cid)
    refused = next(line for line in access if line["message"].startswith(f"GET /api/v1/cases/{cid} 403"))
    assert refused["actor"] is not None and refused["actor"] != inspector.user_id and refused["case_id"] == cid
    during = [line for line in lines if line["request_id"] == "intake-0001"]  # the route's own lines too
    registered = next(line for line in during if line["message"] == "intake registered: 2 workers")
    assert (registered["logger"], registered["actor"], registered["case_id"]) == (
        "api.routes.cases",
        inspector.user_id,
        cid,
    )
    applied = next(line for line in lines if line["message"] == "action accept applied")
    assert (applied["request_id"], applied["actor"], applied["case_id"]) == (accept_request, inspector.user_id, cid)
    worker = [line for line in lines if line["logger"].startswith("temporalio.activity")]
    assert worker and all(line["case_id"] == cid and line["request_id"] is None for line in worker)
    for line in lines:
        assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(hours=8)  # Asia/Shanghai
        assert line["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


async def test_an_unhandled_error_is_logged_with_its_request_and_answered_in_our_shape(
    api: Api, captured: Captured, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.routes.cases as routes

    async def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError(f"database says: no row for {COMPLAINANT_ID} / 13812345678")

    monkeypatch.setattr(routes.store, "list_states", broken)
    r = await api.http.get("/api/v1/cases", headers={**api.auth("inspector"), "X-Request-ID": "boom-1"})
    assert r.status_code == 500 and r.headers["X-Request-ID"] == "boom-1"
    assert r.json()["error"]["code"] == "internal" and COMPLAINANT_ID not in r.text
    errors = [line for line in captured.lines() if line["request_id"] == "boom-1" and line["level"] == "ERROR"]
    assert len(errors) == 1
    assert "RuntimeError: database says: no row for 140105********" in errors[0]["exc_info"]
    assert "138****5678" in errors[0]["exc_info"] and COMPLAINANT_ID not in captured.text()
    assert "13812345678" not in captured.text()


def record(msg: str, *args: Any, exc: BaseException | None = None, **extra: Any) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    r = logging.LogRecord("qingling.test", logging.WARNING, __file__, 1, msg, args, exc_info)
    for key, value in extra.items():
        setattr(r, key, value)
    return r


def emit(*records: logging.LogRecord) -> list[dict[str, Any]]:
    stream = io.StringIO()
    handler = logs.make_handler(stream)
    for r in records:
        handler.handle(r)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_the_filter_masks_messages_arguments_and_tracebacks() -> None:
    try:
        raise ValueError(f"input_value='{WORKER_IDS[1]}' phone=13900000000")
    except ValueError as caught:
        exc = caught
    old_id = "140105850314001"  # the old 15-digit number
    (line,) = emit(record("worker %s phone %s old %s x%s", WORKER_IDS[0], PHONES[0], old_id, "13912345678", exc=exc))
    masked = f"{WORKER_IDS[0][:6]}********{WORKER_IDS[0][-4:]}"
    assert line["message"] == f"worker {masked} phone 138****5678 old 140105*****4001 x139****5678"
    assert "ValueError: input_value='140105********" in line["exc_info"] and "139****0000" in line["exc_info"]
    assert line["level"] == "WARNING" and line["logger"] == "qingling.test"
    assert (line["request_id"], line["case_id"], line["actor"]) == (None, None, None)
    # what is not personal data is left alone: a case id, a USCC, amounts, dates, a UUID, a 12-digit number
    plain = "QL-0123456789ABCDEF 91140105MA0000001X 12000.00 2026-11-20 3f2a9c1e8b7d46a5b0c1d2e3f4a5b6c7 123456789012"
    assert emit(record(plain))[0]["message"] == plain


def test_context_fields_and_the_temporal_case() -> None:
    token = logs.open_context("req-1")
    try:
        logs.bind(actor="u_abc", case_id="QL-1")
        (line,) = emit(record("x"))
        assert (line["request_id"], line["actor"], line["case_id"]) == ("req-1", "u_abc", "QL-1")
        logs.bind(case_id=COMPLAINANT_ID)  # a case id from a URL is whatever was sent: masked too
        assert COMPLAINANT_ID not in json.dumps(emit(record("x")))
    finally:
        logs.close_context(token)
    assert logs.current_context() is None
    workflow = {"workflow_id": "QL-2", "workflow_type": logs.CASE_WORKFLOW_TYPE, "run_id": "r"}
    assert emit(record("y", temporal_workflow=workflow))[0]["case_id"] == "QL-2"
    activity = {"workflow_id": "QL-3", "workflow_type": logs.CASE_WORKFLOW_TYPE, "activity_type": "record_event"}
    assert emit(record("y", temporal_activity=activity))[0]["case_id"] == "QL-3"
    digest = {"workflow_id": "daily-digest-1", "workflow_type": "DailyDigest"}
    assert emit(record("y", temporal_workflow=digest))[0]["case_id"] is None


def test_the_case_workflow_type_is_the_workflows() -> None:
    from workflows.case import WORKFLOW_NAME

    assert logs.CASE_WORKFLOW_TYPE == WORKFLOW_NAME


def test_setup_replaces_its_own_handler_only() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        first = logs.setup_logging(stream=io.StringIO())
        stream = io.StringIO()
        second = logs.setup_logging(stream=stream, level=logging.INFO)
        assert first not in root.handlers and second in root.handlers
        assert [h for h in root.handlers if h is not second] == before  # a test's capture handlers stay
        logging.getLogger("qingling.setup").info("身份证 %s", COMPLAINANT_ID)
        (line,) = [json.loads(x) for x in stream.getvalue().splitlines() if "qingling.setup" in x]
        assert line["message"] == f"身份证 {COMPLAINANT_ID[:6]}********{COMPLAINANT_ID[-4:]}"
        plain = io.StringIO()
        logs.setup_logging(stream=plain, json_lines=False)
        logging.getLogger("qingling.setup").warning("电话 %s", PHONES[0])
        assert "WARNING qingling.setup: 电话 138****5678" in plain.getvalue()
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
        root.setLevel(level)
        logging.captureWarnings(False)
