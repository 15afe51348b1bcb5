"""A corpus of hostile requests (issue 10, item 6): each is refused with a 4xx in our error shape, and neither the
database nor Temporal holds anything afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.tables import case_events, cases
from models.case import MAX_WORKERS
from tests.api.conftest import Api
from tests.builders import intake_body, make_id

URL = "/api/v1/cases"


async def nothing_written(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(cases)) == 0
        assert await s.scalar(select(func.count()).select_from(case_events)) == 0


def error(r: Any) -> dict[str, Any]:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:500])
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    return dict(body["error"])


def too_many_workers() -> bytes:
    body = intake_body(workers=1)
    body["workers"] = [{**body["workers"][0], "id_number": make_id(i + 1)} for i in range(MAX_WORKERS + 1)]
    import json

    return json.dumps(body, ensure_ascii=False).encode()


def injected(text: str) -> bytes:
    import json

    body = intake_body(workers=1)
    body["employer"]["name"] = text
    body["description"] = text
    return json.dumps(body, ensure_ascii=False).encode()


CORPUS = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep_arrays"),
    pytest.param(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, id="deep_objects"),
    pytest.param(b'{"workers": [' + b"{}," * 200_000 + b"{}]}", id="wide"),
    pytest.param(too_many_workers(), id="5001_workers"),
    pytest.param(injected("恒泰\u202e建筑\x00"), id="bidi_and_nul"),
    pytest.param(b'{"received_at": "\xed\xa0\x80"}', id="surrogate_utf8"),
    pytest.param(b"\xef\xbb\xbf" + b'{"channel": "hotline"}', id="bom"),
]


@pytest.mark.parametrize("content", CORPUS)
async def test_hostile_intake_refused_and_nothing_written(
    api: Api, sessions: async_sessionmaker[AsyncSession], content: bytes
) -> None:
    headers = {**api.auth("inspector"), "Content-Type": "application/json"}
    r = await api.http.post(URL, content=content, headers=headers)
    e = error(r)
    assert "Traceback" not in e["message"]
    await nothing_written(sessions)


@pytest.mark.parametrize(
    "case_id",
    ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "QL-%00", "QL-" + "A" * 5000, "%E2%80%AE", "QL-1' OR '1'='1"],
)
async def test_hostile_ids_in_paths_are_4xx(api: Api, sessions: async_sessionmaker[AsyncSession], case_id: str) -> None:
    for path in (
        f"/api/v1/cases/{case_id}",
        f"/api/v1/cases/{case_id}/history",
        f"/api/v1/cases/{case_id}/notices",
        f"/api/v1/notices/{case_id}.pdf",
    ):
        r = await api.http.get(path, headers=api.auth("inspector"))
        assert 400 <= r.status_code < 500, (path, r.status_code, r.text[:300])
    r = await api.http.post(f"/api/v1/cases/{case_id}/actions/accept", json={}, headers=api.auth("inspector"))
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    await nothing_written(sessions)


@pytest.mark.parametrize(
    "text",
    ["恒泰'); DROP TABLE cases; --", '恒泰<script>alert("x")</script>#set text(fill: red)'],
    ids=["sql", "markup"],
)
async def test_injection_is_refused_or_kept_as_plain_text(
    api: Api, sessions: async_sessionmaker[AsyncSession], text: str
) -> None:
    """Text is data: either refused as a name (422) or stored and shown verbatim — never run as SQL or markup."""
    headers = {**api.auth("inspector"), "Content-Type": "application/json"}
    r = await api.http.post(URL, content=injected(text), headers=headers)
    if r.status_code != 201:
        error(r)
        await nothing_written(sessions)
        return
    case = r.json()
    assert case["employer"]["name"] == text
    listed = await api.http.get(URL, params={"q": "恒泰"}, headers=api.auth("inspector"))
    assert listed.status_code == 200 and [c["case_id"] for c in listed.json()["items"]] == [case["case_id"]]
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(cases)) == 1
