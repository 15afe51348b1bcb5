"""``POST /api/v1/public/case-status``: the complainant's view by query code (api/follow.py). A POST, so that codes
stay out of URLs, access logs and caches; no sign-in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api import follow
from api.deps import BackendDep
from api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES, ApiError
from models.errors import ErrorCode
from models.follow import FollowRequest, FollowStatus

router = APIRouter(prefix="/api/v1/public", tags=["public"])
ERRORS: dict[int | str, dict[str, Any]] = {
    **{code: ERROR_RESPONSES[code] for code in (404, 422, 429) if code in ERROR_RESPONSES},
    **BODY_ERROR_RESPONSES,
}


@router.post("/case-status", response_model=FollowStatus, summary="投诉人查询案件进度（查询码）", responses=ERRORS)
async def case_status(body: FollowRequest, b: BackendDep, response: Response) -> FollowStatus:
    response.headers["Cache-Control"] = "no-store"
    try:
        return await follow.follow(b, body.code, body.phone_last4)
    except follow.TooManyTries as exc:
        raise ApiError(
            ErrorCode.TOO_MANY_SIGN_IN_FAILURES,
            f"查询失败次数过多，请 {exc.wait} 秒后再试",
            headers={"Retry-After": str(exc.wait), "Cache-Control": "no-store"},
        ) from None
    except follow.NotFound:
        raise ApiError(ErrorCode.NOT_FOUND, follow.NOT_FOUND, headers={"Cache-Control": "no-store"}) from None
