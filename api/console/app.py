"""Mounting the console on the API's application: its routers, its stylesheet, and the answers to a visitor who is
not signed in (to the sign-in page) or whose form lacks its CSRF token (403, in Chinese)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.console import case_page, complaint, exchange, follow, oversight, routes
from api.console.auth import CsrfRefused, SignInRequired, login_url
from api.console.render import page

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    app.include_router(routes.router)
    app.include_router(complaint.router)  # before the case page: /cases/new is not a case id
    app.include_router(case_page.router)
    app.include_router(oversight.router)
    app.include_router(exchange.router)
    app.include_router(follow.router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    async def csrf(request: Request, exc: Exception) -> Response:
        message = "表单已过期或来源不明（缺少有效的防伪令牌），请刷新页面后重新提交。"
        return page(request, "message.html", None, status_code=403, title="无法提交", message=message)

    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(CsrfRefused, csrf)
