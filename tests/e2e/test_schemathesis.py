"""Attacks at scale (issue 10): schemathesis generates requests from the OpenAPI document — valid, invalid and
hostile — against a real stack (Temporal dev server, worker, API, each a process of its own) and checks that
none answers 5xx and every answer is one the document declares (status code, content type, schema)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bench._stack import Stack
from bench.bench_engine import create_users, wait_healthy
from tests.builders import intake_body

pytestmark = pytest.mark.e2e
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


async def test_no_generated_request_gets_a_5xx_or_an_undocumented_answer(tmp_path: Path) -> None:
    stack = Stack(tmp_path)
    try:
        stack.start_temporal()
        tokens = await create_users(stack.database_url)
        worker = stack.start_worker("worker", "fuzz")
        api = stack.start_api("fuzz")
        headers = {"Authorization": f"Bearer {tokens['inspector']}"}
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=60) as http:
            await wait_healthy(http, api, worker)
            made = await http.post("/api/v1/cases", json=intake_body(workers=2), headers=headers)
            assert made.status_code == 201, made.text
        case_id = made.json()["case_id"]
        # A real case, so the case routes are exercised beyond 404.
        config = tmp_path / "schemathesis.toml"
        config.write_text(f'[parameters]\n"path.case_id" = "{case_id}"\n', encoding="utf-8")
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "--config-file",
                str(config),
                "run",
                f"{stack.api_url}/openapi.json",
                "-H",
                f"Authorization: Bearer {tokens['inspector']}",
                "--checks",
                CHECKS,
                "--max-examples",
                "12",
                "--workers",
                "2",
                "--seed",
                "20261123",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ},
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
        assert "generated" in done.stdout
        worker.check()
        api.check()
    finally:
        stack.stop_all()
