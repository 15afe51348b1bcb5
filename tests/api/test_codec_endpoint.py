"""The codec endpoint for the Temporal UI (api/routes/codec.py): who may call it, what it answers for a real
sealed history, tampered and foreign payloads, the X-Namespace header, CORS and the sign-in cookie."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from api.routes.codec import COOKIE
from config.sealing import KEY_ID_META, SEALED_ENCODING, KeyRing, SealingCodec
from tests.api.conftest import Api
from tests.builders import intake_body, make_id
from tests.conftest import TEST_KEY_ID

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
UI = "http://localhost:8233"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def as_json(payloads: Any) -> dict[str, Any]:
    return {
        "payloads": [{"metadata": {k: b64(v) for k, v in p.metadata.items()}, "data": b64(p.data)} for p in payloads]
    }


def data_of(answer: dict[str, Any]) -> list[Any]:
    return [json.loads(base64.b64decode(p["data"])) for p in answer["payloads"]]


async def sealed_intake(api: Api, env: WorkflowEnvironment) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case registered through the API, and its start input as the Temporal server stores it."""
    body = intake_body(workers=2)
    r = await api.http.post("/api/v1/cases", json=body, headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    raw = Client(env.client.service_client, namespace=env.client.namespace, data_converter=DataConverter.default)
    history = await raw.get_workflow_handle(r.json()["case_id"]).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads
    assert started[0].metadata["encoding"] == SEALED_ENCODING
    assert make_id(1).encode() not in started[0].data
    return body, as_json(started)


async def test_a_supervisor_or_head_reads_a_sealed_history(api: Api, time_skipping_env: WorkflowEnvironment) -> None:
    body, sealed = await sealed_intake(api, time_skipping_env)
    assert base64.b64decode(sealed["payloads"][0]["metadata"][KEY_ID_META]).decode() == TEST_KEY_ID
    for who in ("supervisor", "head"):
        r = await api.http.post("/codec/decode", json=sealed, headers={**api.auth(who), "X-Namespace": "default"})
        assert r.status_code == 200, r.text
        (start,) = data_of(r.json())
        assert start["intake"]["complainant"] == body["complainant"]
        assert start["intake"]["workers"][0]["id_number"] == make_id(1)
        metadata = r.json()["payloads"][0]["metadata"]
        assert base64.b64decode(metadata["encoding"]) == b"json/plain" and KEY_ID_META not in metadata


async def test_only_supervisors_and_heads(api: Api, time_skipping_env: WorkflowEnvironment) -> None:
    _, sealed = await sealed_intake(api, time_skipping_env)
    for path in ("/codec/decode", "/codec/encode"):
        r = await api.http.post(path, json=sealed)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
        r = await api.http.post(path, json=sealed, headers={"Authorization": "Bearer not-a-token"})
        assert r.status_code == 401
        for who in ("inspector", "admin", "other"):
            r = await api.http.post(path, json=sealed, headers=api.auth(who))
            assert r.status_code == 403, (who, r.text)
            assert "supervisor" in r.json()["error"]["message"]


async def test_encode_then_decode(api: Api) -> None:
    plain = {"payloads": [{"metadata": {"encoding": b64(b"json/plain")}, "data": b64('{"name":"张三"}'.encode())}]}
    r = await api.http.post("/codec/encode", json=plain, headers=api.auth("supervisor"))
    assert r.status_code == 200, r.text
    (sealed,) = r.json()["payloads"]
    assert base64.b64decode(sealed["metadata"]["encoding"]) == SEALED_ENCODING
    assert "张三".encode() not in base64.b64decode(sealed["data"])
    r = await api.http.post("/codec/decode", json=r.json(), headers=api.auth("head"))
    assert r.status_code == 200 and data_of(r.json()) == [{"name": "张三"}]
    # Payloads that are not ours (plain JSON) come back as they are.
    r = await api.http.post("/codec/decode", json=plain, headers=api.auth("head"))
    assert r.json() == plain


async def test_tampered_or_foreign_payloads_are_refused_by_name(
    api: Api, time_skipping_env: WorkflowEnvironment
) -> None:
    _, sealed = await sealed_intake(api, time_skipping_env)
    data = bytearray(base64.b64decode(sealed["payloads"][0]["data"]))
    data[-1] ^= 1
    tampered = {"payloads": [{**sealed["payloads"][0], "data": b64(bytes(data))}]}
    r = await api.http.post("/codec/decode", json=tampered, headers=api.auth("supervisor"))
    assert r.status_code == 422
    assert TEST_KEY_ID in r.json()["error"]["message"] and "篡改" in r.json()["error"]["message"]
    assert r.json()["error"]["details"][0]["field"] == "payloads.0"

    foreign = KeyRing.generate()
    (other,) = await SealingCodec(foreign).encode(DataConverter.default.payload_converter.to_payloads([{"x": 1}]))
    r = await api.http.post("/codec/decode", json=as_json([other]), headers=api.auth("supervisor"))
    assert r.status_code == 422 and foreign.current in r.json()["error"]["message"]

    r = await api.http.post(
        "/codec/decode",
        json={"payloads": [{"metadata": {"encoding": "%%%"}, "data": ""}]},
        headers=api.auth("supervisor"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "payloads.0.metadata.encoding"


async def test_x_namespace(api: Api) -> None:
    r = await api.http.post(
        "/codec/decode", json={"payloads": []}, headers={**api.auth("supervisor"), "X-Namespace": "default"}
    )
    assert r.status_code == 200 and r.json() == {"payloads": []}
    r = await api.http.post(
        "/codec/decode", json={"payloads": []}, headers={**api.auth("supervisor"), "X-Namespace": "other-ns"}
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "X-Namespace"


async def test_cors_for_the_temporal_ui_only(api: Api) -> None:
    preflight = {
        "Origin": UI,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
    }
    for path in ("/codec/decode", "/codec/encode"):
        r = await api.http.options(path, headers=preflight)
        assert r.status_code == 200, r.text
        assert r.headers["access-control-allow-origin"] == UI
        assert r.headers["access-control-allow-credentials"] == "true"
        allowed = r.headers["access-control-allow-headers"].lower()
        assert "x-namespace" in allowed and "authorization" in allowed
        assert "POST" in r.headers["access-control-allow-methods"]
    r = await api.http.options("/codec/decode", headers={**preflight, "Origin": "https://evil.example"})
    assert r.status_code == 400 and "access-control-allow-origin" not in r.headers
    # The rest of the API is not opened to browsers on other origins.
    r = await api.http.options("/api/v1/cases", headers=preflight)
    assert "access-control-allow-origin" not in r.headers
    # The answer itself (an error too) carries the header, so the UI can read it.
    r = await api.http.post("/codec/decode", json={"payloads": []}, headers={"Origin": UI})
    assert r.status_code == 401 and r.headers["access-control-allow-origin"] == UI
    r = await api.http.post("/codec/decode", json={"payloads": []}, headers={"Origin": UI, **api.auth("head")})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == UI


async def test_sign_in_cookie_for_the_ui(api: Api, time_skipping_env: WorkflowEnvironment) -> None:
    """The Temporal UI sends no header of ours, only cookies: /codec/sign-in sets one, for /codec only."""
    page = await api.http.get("/codec/sign-in")
    assert page.status_code == 200 and 'name="token"' in page.text
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    r = await api.http.post("/codec/session", content=f"token={api.tokens['inspector']}", headers=form)
    assert r.status_code == 403
    r = await api.http.post(
        "/codec/session",
        content=f"token={api.tokens['supervisor']}",
        headers={**form, "Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = await api.http.post(
        "/codec/session", content=f"token={api.tokens['supervisor']}", headers={**form, "Origin": UI}
    )
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={api.tokens['supervisor']};")
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/codec" in lowered
    api.http.cookies.clear()

    body, sealed = await sealed_intake(api, time_skipping_env)
    jar = {"Cookie": f"{COOKIE}={api.tokens['supervisor']}", "Origin": UI}
    r = await api.http.post("/codec/decode", json=sealed, headers=jar)
    assert r.status_code == 200, r.text
    assert data_of(r.json())[0]["intake"]["complainant"]["id_number"] == body["complainant"]["id_number"]
    r = await api.http.post("/codec/decode", json=sealed, headers={"Cookie": f"{COOKIE}={api.tokens['inspector']}"})
    assert r.status_code == 403
    r = await api.http.post("/codec/sign-out")
    assert r.status_code == 200 and f'{COOKIE}=""' in r.headers["set-cookie"]


async def test_in_the_openapi_document(api: Api) -> None:
    doc = (await api.http.get("/openapi.json")).json()
    for path in ("/codec/decode", "/codec/encode"):
        post = doc["paths"][path]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("CodecPayloads")
        assert {"401", "403", "422"} <= set(post["responses"])
