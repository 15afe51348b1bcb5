"""The Temporal worker: workflows plus activity objects built once with their dependencies."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Interceptor, Worker

from activities.calendar import CalendarActivities, listing_days
from activities.case_store import CaseStore
from activities.digest import DigestActivities
from activities.notices import NoticeActivities
from activities.penalties import PenaltyActivities
from activities.shared_clock import SharedClockActivities
from config.settings import Settings
from notices.render import NoticeRenderer
from qingling.heartbeat import Heartbeats
from workflows.blacklist import Blacklist
from workflows.case import ArrearsCase
from workflows.digest import DailyDigest
from workflows.options import WORKFLOW_RUNNER
from workflows.referral import Referral
from workflows.shared_clock import SharedClock


def ensure_bytecode() -> None:
    """Compile the workflow modules to bytecode once. The sandbox imports them afresh for every workflow it
    starts or rebuilds; without a .pyc (an editable install, PYTHONDONTWRITEBYTECODE) each import compiles
    the source again — a third of the worker's CPU when a herd of cases falls due at once (bench_herd.py)."""
    import compileall

    import workflows

    for folder in workflows.__path__:
        with contextlib.suppress(OSError):
            compileall.compile_dir(folder, quiet=2, maxlevels=0)


def build_worker(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    renderer: NoticeRenderer | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Worker:
    ensure_bytecode()
    store = CaseStore(sessions, settings)
    notices = NoticeActivities(sessions, renderer or NoticeRenderer(), settings)
    digest = DigestActivities(sessions)
    shared = SharedClockActivities(sessions, notices)
    calendar = CalendarActivities(
        sessions,
        service_days=lambda region: settings.bureau_for(region or "").service_days,
        defense_days=lambda region: settings.bureau_for(region or "").decision_defense_working_days,
        listing_days=lambda region: listing_days(settings.bureau_for(region or "")),
        warning_working_days=settings.warning_working_days,
        level2_working_days=settings.level2_working_days,
    )
    penalties = PenaltyActivities(settings.penalty_hearing_thresholds, settings.penalty_collective_discussion_from)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ArrearsCase, DailyDigest, SharedClock, Blacklist, Referral],
        workflow_runner=WORKFLOW_RUNNER,
        max_cached_workflows=settings.workflow_cache,
        interceptors=[Heartbeats(), *interceptors],
        activities=[
            store.record_event,
            store.record_events,
            store.record_track_event,
            store.assign_case_number,
            notices.issue_notice,
            notices.issue_track_notice,
            calendar.compute_deadline,
            calendar.compute_deadlines,
            digest.make_digests,
            calendar.shared_moments,
            shared.raise_shared,
            penalties.assess_penalty,
        ],
    )
