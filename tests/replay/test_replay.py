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

from models.actions import SYSTEM
from models.case import DeadlineKind
from models.notices import NoticeKind
from models.start import CaseStart
from models.tracks import BlacklistState, TrackStart
from workflows.blacklist import Blacklist
from workflows.case import ArrearsCase
from workflows.digest import DailyDigest
from workflows.options import WORKFLOW_RUNNER
from workflows.referral import Referral
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
        workflows=[ArrearsCase, SharedClock, DailyDigest, Blacklist, Referral],
        data_converter=converter(),
        workflow_runner=WORKFLOW_RUNNER,
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


async def _reordered_propose(self: Blacklist) -> None:
    """The listing's start with its commands in another order: the 告知书 before the decision's deadline."""
    parties = []
    for party in self._state.parties:
        notice = await self._notice(NoticeKind.BLACKLIST_NOTICE, party=party.index)
        parties.append(party.model_copy(update={"notice_id": notice.notice_id}))
    decision = await self._deadline(DeadlineKind.BLACKLIST_DECISION, self._state.order.due)
    self._state = self._state.model_copy(update={"parties": parties, "deadlines": [decision], "registered": True})
    await self._record("blacklist_proposed", SYSTEM, None, {})


@workflow.defn(name="Blacklist")
class ReorderedBlacklist(Blacklist):
    """A change of command order made without a patch."""

    @workflow.run
    async def run(self, start: TrackStart) -> BlacklistState:
        return await super().run(start)

    async def _propose(self) -> None:
        await _reordered_propose(self)


@workflow.defn(name="Blacklist")
class PatchedBlacklist(Blacklist):
    """The same change behind ``workflow.patched``: listings started before it keep their order."""

    @workflow.run
    async def run(self, start: TrackStart) -> BlacklistState:
        return await super().run(start)

    async def _propose(self) -> None:
        if workflow.patched("notices-before-decision-deadline"):
            await _reordered_propose(self)
        else:
            await super()._propose()


async def test_a_changed_command_order_needs_workflow_patched() -> None:
    """Issue 9, item 4: the recorded listing fails to replay against a reordered start, and replays once the
    change is behind ``workflow.patched`` (docs/versioning.md)."""
    history = load(next(p for p in HISTORIES if p.stem == "v7_blacklist"))
    for changed, fails in ((ReorderedBlacklist, True), (PatchedBlacklist, False)):
        replayer = Replayer(workflows=[changed], data_converter=converter(), workflow_runner=WORKFLOW_RUNNER)
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert (result.replay_failure is not None) == fails, (changed.__name__, repr(result.replay_failure))
