"""The complainant's page (no sign-in): the query code from the 受理通知书 and the phone's last four digits show the
case's progress (api/follow.py). Posted, so the code stays out of the address bar and the logs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api import follow as service
from api.console.render import page
from api.deps import Backend, backend

router = APIRouter(include_in_schema=False)
BackendDep = Annotated[Backend, Depends(backend)]


@router.get("/follow", response_class=HTMLResponse)
async def follow_form(request: Request) -> Response:
    return page(request, "follow.html", None)


@router.post("/follow", response_class=HTMLResponse)
async def follow_result(
    request: Request,
    b: BackendDep,
    code: Annotated[str, Form(max_length=40)] = "",
    phone_last4: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    last4 = phone_last4.strip()
    if not code.strip() or len(last4) != 4 or not last4.isdigit():
        return page(request, "follow.html", None, status_code=422, problem="请填写查询码和手机号码后四位（4位数字）")
    try:
        status = await service.follow(b, code, last4)
    except service.TooManyTries as exc:
        return page(request, "follow.html", None, status_code=429, problem=f"查询失败次数过多，请 {exc.wait} 秒后再试")
    except service.NotFound:
        return page(request, "follow.html", None, status_code=404, problem=service.NOT_FOUND)
    return page(request, "follow.html", None, status=status)
