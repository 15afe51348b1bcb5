"""DailyDigest: each morning's digest of overdue deadlines, one per region (started by the Temporal Schedule
``qingling-daily-digest``, see qingling/schedules.py).

Decides only which day it is (``workflow.now()``); the activity reads the read model and writes the digests.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.digest import DAILY_DIGEST, MAKE_DIGESTS, DailyDigestInput, DigestSummary, MakeDigestsInput
    from workflows.options import HEARTBEAT_TIMEOUT, RETRY

DIGEST_TIMEOUT = timedelta(minutes=10)
"""One run reads every open case's open deadlines: more than an ordinary activity's 30 seconds on a large
database, and a retry starts over (the activity is one transaction)."""


@workflow.defn(name=DAILY_DIGEST)
class DailyDigest:
    @workflow.run
    async def run(self, inp: DailyDigestInput) -> DigestSummary:
        summary: DigestSummary = await workflow.execute_activity(
            MAKE_DIGESTS,
            MakeDigestsInput(at=workflow.now()),
            start_to_close_timeout=DIGEST_TIMEOUT,
            heartbeat_timeout=HEARTBEAT_TIMEOUT,
            retry_policy=RETRY,
            result_type=DigestSummary,
        )
        return summary
