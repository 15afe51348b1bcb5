"""Health: ok once the database, Temporal and at least one worker are reachable."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from api.deps import Backend, BackendDep

router = APIRouter(prefix="/api/v1", tags=["health"])


async def _checks(b: Backend) -> dict[str, bool]:
    checks = {"database": False, "temporal": False, "worker": False}
    try:
        async with b.sessions() as s:
            await s.execute(text("SELECT 1"))
        checks["database"] = True
    except Exception:
        pass
    try:
        checks["temporal"] = bool(await b.client.service_client.check_health())
        described = await b.client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=b.client.namespace,
                task_queue=TaskQueue(name=b.settings.task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        checks["worker"] = len(described.pollers) > 0
    except Exception:
        pass
    return checks


@router.get("/health", summary="健康检查")
async def health(b: BackendDep) -> JSONResponse:
    checks = await _checks(b)
    ok = all(checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)
