"""Old cases must still run: replay every recorded history (cases, the shared clock) against today's code.

Histories live in tests/histories/*.json; record new ones with
`QINGLING_RECORD_HISTORIES=1 make test` (tests/workflows/test_record_histories.py writes them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from models.case import DeadlineKind
from models.start import CaseStart
from workflows.case import ArrearsCase
from workflows.digest import DailyDigest
from workflows.options import WORKFLOW_RUNNER
from workflows.shared_clock import SharedClock

HISTORIES = sorted((Path(__file__).parent.parent / "histories").glob("*.json"))


def converter() -> DataConverter:
    """The committed histories hold plain or binary/zlib payloads (recorded before sealing), or payloads sealed
    with the tests' key ring (tests/conftest.py puts it in the environment): this converter reads all three.
    Imported here, not at the top: the sandbox re-imports this module (ChangedArrearsCase is defined in it)
    and must not load the cipher's native extension."""
    from config.settings import Settings
    from config.temporal import data_converter

    return data_converter(Settings())


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, json.loads(path.read_text(encoding="utf-8")))


def test_there_are_histories_to_replay() -> None:
    assert HISTORIES, "no recorded histories under tests/histories"


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path) -> None:
    replayer = Replayer(
        workflows=[ArrearsCase, SharedClock, DailyDigest], data_converter=converter(), workflow_runner=WORKFLOW_RUNNER
    )
    result = await replayer.replay_workflow(load(path), raise_on_replay_failure=True)
    assert result.replay_failure is None


@workflow.defn(name="ArrearsCase")
class ChangedArrearsCase(ArrearsCase):
    """A deliberately incompatible change: an extra activity before intake is recorded."""

    @workflow.run
    async def run(self, start: CaseStart) -> object:
        await self._deadline(DeadlineKind.INVESTIGATION, start.intake.received_at.date())
        return await super().run(start)


async def test_an_incompatible_change_is_caught() -> None:
    """Proves the replay check can fail: the changed workflow must not replay the old histories."""
    replayer = Replayer(workflows=[ChangedArrearsCase], data_converter=converter(), workflow_runner=WORKFLOW_RUNNER)
    result = await replayer.replay_workflow(load(HISTORIES[0]), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "nondetermin" in repr(result.replay_failure).lower(), repr(result.replay_failure)
