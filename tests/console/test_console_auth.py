"""Signing in to the console: the same accounts as the API (name and access token), a session cookie, CSRF on every
form, signing out, and pages closed to anyone not signed in."""

from __future__ import annotations

import httpx

from tests.api.conftest import Api
from tests.console.conftest import SignIn, csrf_of


async def test_pages_need_a_session_and_send_back_after_signing_in(api: Api) -> None:
    r = await api.http.get("/?stage=ordered")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2F%3Fstage%3Dordered"
    form = await api.http.get(r.headers["location"])
    assert form.status_code == 200 and 'lang="zh-CN"' in form.text and "访问令牌" in form.text
    assert 'value="/?stage=ordered"' in form.text


async def test_a_wrong_token_is_refused_in_chinese_and_counted(api: Api) -> None:
    form = await api.http.get("/login")
    token = csrf_of(form.text)
    r = await api.http.post("/login", data={"name": "inspector", "token": "ql_wrong", "login_csrf": token})
    assert r.status_code == 401 and "用户名或令牌不正确" in r.text
    other = await api.http.post("/login", data={"name": "head", "token": api.tokens["inspector"], "login_csrf": token})
    assert other.status_code == 401  # a good token under another's name signs no one in
    assert "ql_console" not in other.cookies


async def test_sign_in_without_the_forms_token_is_refused(api: Api) -> None:
    r = await api.http.post("/login", data={"name": "inspector", "token": api.tokens["inspector"]})
    assert r.status_code == 403 and "防伪令牌" in r.text


async def test_signed_in_my_work_then_signed_out(api: Api, browser: SignIn) -> None:
    client = await browser("inspector")
    page = await client.get("/")
    assert page.status_code == 200 and "我的工作" in page.text and "inspector（监察员）" in page.text
    assert page.headers["cache-control"] == "no-store"
    cookie = client.cookies.get("ql_console")
    assert cookie
    refused = await client.post("/logout", data={"csrf": "forged"})
    assert refused.status_code == 403
    out = await client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    stale = httpx.AsyncClient(transport=api.http._transport, base_url="http://test", cookies={"ql_console": cookie})
    async with stale:
        again = await stale.get("/")
    assert again.status_code == 303  # the session ended with the sign-out, whatever the cookie says


async def test_no_open_redirect_after_signing_in(api: Api) -> None:
    form = await api.http.get("/login?next=//evil.example/")
    assert 'value="/"' in form.text


async def test_the_administrator_sees_no_case(browser: SignIn) -> None:
    admin = await browser("admin")
    r = await admin.get("/")
    assert r.status_code == 403 and "不查看、不办理案件" in r.text
