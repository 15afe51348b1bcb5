"""``GET /api/v1/workload``: for supervisors and heads, each inspector's open cases and overdue ones in their
jurisdiction, and the regional queue of complaints no grid took (docs/routing.md)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel

from api.deps import CurrentUser, Session, today
from api.errors import ERROR_RESPONSES, ApiError
from api.masking import case_reader
from db.workload import workload
from models.case import Role
from models.clock import SHANGHAI, to_shanghai
from models.errors import ErrorCode

router = APIRouter(prefix="/api/v1", tags=["workload"], dependencies=[Depends(case_reader)])


class InspectorLoad(BaseModel):
    user_id: str
    name: str
    open_cases: int
    overdue_cases: int
    """Open cases with a deadline past due."""
    received_this_month: int


class QueuedCase(BaseModel):
    case_id: str
    region_code: str
    employer_name: str
    received_at: AwareDatetime
    stage: str


class Workload(BaseModel):
    inspectors: list[InspectorLoad]
    queue: list[QueuedCase]
    """Open cases nobody is assigned (routing found no grid, or nobody available): the supervisor assigns them."""


@router.get("/workload", response_model=Workload, summary="监察员工作量与待分派队列", responses=ERROR_RESPONSES)
async def get_workload(user: CurrentUser, session: Session) -> Workload:
    if user.role not in (Role.SUPERVISOR, Role.HEAD):
        raise ApiError(ErrorCode.ROLE_NOT_ALLOWED, "只有科室负责人、部门负责人可以查看工作量")
    day = today()
    month_start = datetime(day.year, day.month, 1, tzinfo=SHANGHAI)
    loads, queue = await workload(session, user.prefixes(), day, month_start)
    return Workload(
        inspectors=[InspectorLoad(**vars(load)) for load in loads],
        queue=[
            QueuedCase(
                case_id=q.case_id,
                region_code=q.region_code,
                employer_name=q.employer_name,
                received_at=to_shanghai(q.received_at),
                stage=q.stage,
            )
            for q in queue
        ],
    )
