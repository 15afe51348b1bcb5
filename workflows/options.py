"""Activity timeouts and retries, in one place."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

ACTIVITY_TIMEOUT = timedelta(seconds=30)
HEARTBEAT_TIMEOUT = timedelta(seconds=10)
"""A worker killed mid-activity is noticed after this long and the activity retried on another; the worker
heartbeats on every activity's behalf while it runs (qingling/heartbeat.py). Changing it changes no
command: old histories replay (tests/replay)."""
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=["ValueError", "CalendarFileError", "FontsMissingError"],
)

SERVICE_GRACE = timedelta(days=180)
"""How long a finished case (closed or refused) stays open for recording the service of its last
notices (结案通知书, 不予受理通知书) before its workflow completes."""

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        "models", "rules", "pydantic", "stdnum", "workflows.procedure", "workflows.options"
    )
)
"""The sandbox, with our pure layers passed through: models and rules do no I/O and read no clock, and
the procedure core and these options only call the workflow API; re-importing them for every workflow
run cost a third of the worker's CPU at intake (bench/results.md), and two copies of a model class in
one run fail pydantic's instance checks. Only the workflow modules themselves are re-imported."""
