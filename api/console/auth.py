"""Who is signed in to the console, and the CSRF check of every form it posts."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from api.deps import Backend, backend, now
from db.console_sessions import session_user
from db.users import User

COOKIE = "ql_console"
LOGIN_CSRF_COOKIE = "ql_login_csrf"


class SignInRequired(Exception):
    """No live session: the answer is a redirect to the sign-in page, back here afterwards."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form without the session's CSRF token (posted from elsewhere, or from an expired page)."""


@dataclass(frozen=True)
class Visitor:
    user: User
    csrf: str


async def visitor(request: Request, b: Annotated[Backend, Depends(backend)]) -> Visitor:
    raw = request.cookies.get(COOKIE)
    found = None
    if raw:
        async with b.sessions() as s:
            found = await session_user(s, raw, now())
    if found is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return Visitor(*found)


SignedIn = Annotated[Visitor, Depends(visitor)]


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected, given):
        raise CsrfRefused


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(safe_next(next_path), safe="")


def safe_next(path: str | None) -> str:
    """Only a path of this site (never ``//host`` or a scheme): no open redirect after signing in."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
