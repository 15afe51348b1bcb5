"""The API in-process over a real database (SQLite and PostgreSQL), as seen from chosen client addresses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from api.app import create_app
from config.settings import Settings
from db.devcluster import free_port

QINGLING = str(Path(sys.executable).parent / "qingling")
LIST = "/api/v1/cases"
"""An authenticated route that reads the database only."""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running(settings: Settings, client: Client) -> AsyncIterator[FastAPI]:
    """An application with its own engine (as another API process would have), started and stopped."""
    app = create_app(settings, client=client)
    async with app.router.lifespan_context(app):
        yield app


def http(app: FastAPI, peer: str = "192.0.2.10") -> httpx.AsyncClient:
    """A client of ``app`` connecting from ``peer`` (the ASGI scope's client address)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(peer, 40123)), base_url="http://test")


def qingling(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The console script on the test's database."""
    env = {
        **os.environ,
        "QINGLING_DATABASE_URL": settings.database_url,
        "QINGLING_VAR_DIR": str(settings.var_dir),
        "QINGLING_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # nothing listens there
    }
    return subprocess.run([QINGLING, *args], env=env, capture_output=True, text=True, timeout=120)
