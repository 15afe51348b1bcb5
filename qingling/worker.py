"""The Temporal worker: workflows plus activity objects built once with their dependencies."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.case_store import CaseStore
from activities.digest import DigestActivities
from activities.notices import NoticeActivities
from config.settings import Settings
from notices.render import NoticeRenderer
from workflows.case import ArrearsCase
from workflows.digest import DailyDigest
from workflows.options import WORKFLOW_RUNNER


def build_worker(
    client: Client,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    renderer: NoticeRenderer | None = None,
) -> Worker:
    store = CaseStore(sessions, settings)
    notices = NoticeActivities(sessions, renderer or NoticeRenderer(), settings)
    digest = DigestActivities(sessions)
    calendar = CalendarActivities(
        sessions,
        service_days=lambda region: settings.bureau_for(region or "").service_days,
        warning_working_days=settings.warning_working_days,
        level2_working_days=settings.level2_working_days,
    )
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ArrearsCase, DailyDigest],
        workflow_runner=WORKFLOW_RUNNER,
        max_cached_workflows=settings.workflow_cache,
        activities=[
            store.record_event,
            store.record_events,
            store.assign_case_number,
            notices.issue_notice,
            calendar.compute_deadline,
            calendar.compute_deadlines,
            digest.make_digests,
        ],
    )
