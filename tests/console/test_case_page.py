"""The case page of the console: what it shows (as the API shows it to the same user, masked as it masks), the action
forms (applied through the API's own path, refusals shown in place with the input kept, CSRF checked), the region
rule (another region's case is missing), a deadline's day-by-day count and a notice's PDF read in the browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from markupsafe import escape

import api.routes.cases as case_routes
from api.console.forms import body_of, failure, fields_of, for_people
from api.errors import ApiError
from models.actions import Action
from models.clock import SHANGHAI
from models.errors import ErrorCode
from models.identity import mask_id
from tests.api.conftest import Api
from tests.api.test_enforcement_path import Clock, staged  # noqa: F401 - staged is a fixture
from tests.api.test_long_arm_api import ordered_and_ignored
from tests.builders import intake_body, make_id
from tests.console.conftest import SignIn, csrf_of


async def file_case(api: Api) -> dict[str, Any]:
    r = await api.http.post("/api/v1/cases", json=intake_body(), headers=api.auth("inspector"))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def accept(api: Api, cid: str) -> dict[str, Any]:
    r = await api.http.post(f"/api/v1/cases/{cid}/actions/accept", json={}, headers=api.auth("inspector"))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def api_case(api: Api, cid: str, who: str = "inspector") -> dict[str, Any]:
    r = await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def history_rows(html: str) -> str:
    found = re.search(r'<table class="responsive history">(.*?)</table>', html, re.S)
    assert found, "no history table"
    return found.group(1)


async def test_the_page_shows_the_case_as_the_api_shows_it(api: Api, browser: SignIn) -> None:
    case = await file_case(api)
    cid = case["case_id"]
    client = await browser("inspector")
    r = await client.get(f"/cases/{cid}")
    assert r.status_code == 200, r.text
    html = r.text
    assert r.headers["cache-control"] == "no-store"
    assert "太原市某建筑劳务有限公司" in html and "小店区某住宅项目" in html and "某建设集团有限公司" in html
    assert "张三" in html and case["complainant"]["id_number"] in html  # the region's inspector sees them in full
    for w in case["workers"]:
        assert w["name"] in html and w["id_number"] in html
    assert "12,000.00" in html and "24,000.00" in html
    assert "登记待受理" in html
    assert "受理期限" in html and "status status-pending" in html
    assert f'href="/cases/{cid}/deadlines/acceptance/explain"' in html
    rows = history_rows(html)
    assert "登记投诉" in rows and "inspector（监察员）" in rows
    assert 'id="case-accept"' in html and 'id="case-reject"' in html  # the inspector's actions at intake
    assert 'id="case-close"' not in html

    explained = await client.get(f"/cases/{cid}/deadlines/acceptance/explain")
    assert explained.status_code == 200 and "逐日计算说明" in explained.text
    lines = (await api.http.get(f"/api/v1/cases/{cid}/deadlines/acceptance", headers=api.auth("inspector"))).json()
    assert lines["explanation"] and all(str(escape(line)) in explained.text for line in lines["explanation"])
    assert (await client.get(f"/cases/{cid}/deadlines/nonsense/explain")).status_code == 404


async def test_accepting_through_the_form_returns_to_the_page_and_shows_who_did_it(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    client = await browser("inspector")
    form = await client.get(f"/cases/{cid}")
    r = await client.post(
        f"/cases/{cid}/actions/accept", data={"csrf": csrf_of(form.text), "_scope": "case", "comment": "材料齐全"}
    )
    assert r.status_code == 303 and r.headers["location"] == f"/cases/{cid}?done=accept"
    after = await client.get(r.headers["location"])
    assert re.search(r'<p class="notice-box good" role="status">已完成：受理立案', after.text)
    rows = history_rows(after.text)
    assert "受理立案" in rows and rows.count("inspector（监察员）") == 2 and "材料齐全" in rows
    assert "登记待受理 → 立案调查" in rows
    assert (await api_case(api, cid))["stage"] == "investigating"


async def test_a_refusal_shows_its_reason_next_to_the_form_with_the_input_kept(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    await accept(api, cid)
    client = await browser("supervisor")
    page = await client.get(f"/cases/{cid}")
    assert 'id="case-close"' in page.text and 'id="case-accept"' not in page.text
    data = {"csrf": csrf_of(page.text), "_scope": "case", "reason": "cleared", "comment": "请复核后结案"}
    r = await client.post(f"/cases/{cid}/actions/close", data=data)
    assert r.status_code == 409
    assert '<details class="action" id="case-close" open>' in r.text
    assert re.search(r'<div class="notice-box bad" role="alert" id="case-close-refused">\s*<p>尚有欠薪未清偿', r.text)
    assert ">请复核后结案</textarea>" in r.text and '<option value="cleared" selected>' in r.text
    assert (await api_case(api, cid, "supervisor"))["stage"] == "investigating"
    data = {"csrf": csrf_of(page.text), "_scope": "case"}
    r = await client.post(f"/cases/{cid}/actions/accept", data=data)  # not offered to a supervisor: said on top
    assert r.status_code == 403 and re.search(r'role="alert">\s*<p>受理立案未能执行：您的角色无权执行此操作', r.text)


async def test_field_problems_show_next_to_their_field(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    await accept(api, cid)
    client = await browser("inspector")
    csrf = csrf_of((await client.get(f"/cases/{cid}")).text)
    wrong = {"csrf": csrf, "_scope": "case", "payments": f"{make_id(1)} 12.345\n{make_id(2)}"}
    r = await client.post(f"/cases/{cid}/actions/record_payment", data=wrong)
    assert r.status_code == 422
    assert 'id="case-record_payment-payments-error1"' in r.text and "第2行：" in r.text
    assert 'aria-invalid="true"' in r.text and f"{make_id(1)} 12.345" in r.text  # the input kept
    wrong["payments"] = f"{make_id(1)} 12.345"
    r = await client.post(f"/cases/{cid}/actions/record_payment", data=wrong)
    assert r.status_code == 422 and "第1行（金额）：" in r.text  # the API's own detail, placed on its line
    paid = (datetime.now(SHANGHAI) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    right = {"csrf": csrf, "_scope": "case", "payments": f"{make_id(1)} 1,000.00 {paid} 施工总承包单位"}
    r = await client.post(f"/cases/{cid}/actions/record_payment", data=right)
    assert r.status_code == 303, r.text
    after = await api_case(api, cid)
    assert after["paid_total"] == "1000.00" and after["paid_by_source"] == {"general_contractor": "1000.00"}
    page = await client.get(r.headers["location"])
    assert "施工总承包单位（先行清偿）：1,000.00 元" in page.text


async def test_a_form_without_the_sessions_token_is_refused(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    client = await browser("inspector")
    r = await client.post(f"/cases/{cid}/actions/accept", data={"csrf": "forged", "_scope": "case"})
    assert r.status_code == 403 and "防伪令牌" in r.text
    assert (await api_case(api, cid))["stage"] == "intake"


async def test_another_regions_case_is_missing(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    other = await browser("other")
    page = await other.get(f"/cases/{cid}")
    assert page.status_code == 404 and "太原市某建筑劳务有限公司" not in page.text
    csrf = csrf_of((await other.get("/")).text)
    r = await other.post(f"/cases/{cid}/actions/accept", data={"csrf": csrf})
    assert r.status_code == 404
    assert (await other.get(f"/cases/{cid}/deadlines/acceptance/explain")).status_code == 404
    assert (await api_case(api, cid))["stage"] == "intake"
    assert (await other.get("/cases/QL-0000000000000000")).status_code == 404
    assert (await other.get("/cases/a'b")).status_code == 404
    city = await browser("city")  # a city supervisor covers its districts
    assert (await city.get(f"/cases/{cid}")).status_code == 200


async def test_admin_sees_no_case_data(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    admin = await browser("admin")
    r = await admin.get(f"/cases/{cid}")
    assert r.status_code == 403 and "系统管理员不查看案件数据" in r.text and "太原市" not in r.text


async def test_a_notice_opens_in_the_browser_for_the_region_only(api: Api, browser: SignIn) -> None:
    cid = (await file_case(api))["case_id"]
    accepted = await accept(api, cid)
    notice = accepted["notices"][-1]
    client = await browser("inspector")
    page = await client.get(f"/cases/{cid}")
    link = f'href="/notices/{notice["notice_id"]}.pdf"'
    assert link in page.text and notice["doc_number"] in page.text and "未送达" in page.text
    for who in ("inspector", "supervisor", "head", "city"):
        viewer = client if who == "inspector" else await browser(who)
        pdf = await viewer.get(f"/notices/{notice['notice_id']}.pdf")
        assert pdf.status_code == 200, who
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
        assert pdf.headers["content-disposition"].startswith("inline")
        assert pdf.headers["x-content-sha256"] == notice["sha256"]
    other = await browser("other")
    refused = await other.get(f"/notices/{notice['notice_id']}.pdf")
    assert refused.status_code == 404 and not refused.content.startswith(b"%PDF-")
    assert (await other.get("/notices/nothing-here.pdf")).status_code == 404
    admin = await browser("admin")
    assert (await admin.get(f"/notices/{notice['notice_id']}.pdf")).status_code == 403


async def test_without_personal_data_rights_the_page_masks_as_the_api_does(
    api: Api, browser: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role that sees a case today also sees its people in full; the rule (api.masking.sees_personal_data)
    is switched off here to show that the page then shows what the API shows: masks, never a full number."""
    case = await file_case(api)
    cid = case["case_id"]
    monkeypatch.setattr(case_routes, "sees_personal_data", lambda user, region: False)
    shown = await api_case(api, cid, "supervisor")
    client = await browser("supervisor")
    html = (await client.get(f"/cases/{cid}")).text
    for full, masked in zip(case["workers"], shown["workers"], strict=True):
        assert masked["id_number"] == mask_id(full["id_number"]) != full["id_number"]
        assert masked["id_number"] in html and full["id_number"] not in html
        assert full["phone"] not in html
    assert case["complainant"]["id_number"] not in html and shown["complainant"]["id_number"] in html
    assert case["complainant"]["phone"] not in html


@asynccontextmanager
async def signed_in(api: Api, who: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of the staged API (its own server and clock): the ``browser`` fixture's sign-in."""
    async with httpx.AsyncClient(transport=api.http._transport, base_url="http://test") as client:
        form = await client.get("/login")
        data = {"name": who, "token": api.tokens[who], "login_csrf": csrf_of(form.text), "next": "/"}
        assert (await client.post("/login", data=data)).status_code == 303
        yield client


def local(clock: Clock) -> str:
    """The staged clock's now as a ``datetime-local`` field holds it (Beijing time, no offset)."""
    return clock.now().astimezone(SHANGHAI).replace(tzinfo=None).isoformat()


async def post(client: httpx.AsyncClient, cid: str, action: str, scope: str, **fields: str) -> httpx.Response:
    csrf = csrf_of((await client.get(f"/cases/{cid}")).text)
    return await client.post(f"/cases/{cid}/actions/{action}", data={"csrf": csrf, "_scope": scope, **fields})


async def test_a_listing_through_its_panel(staged: tuple[Api, Clock]) -> None:  # noqa: F811
    api, clock = staged
    cid = await ordered_and_ignored(api, clock)
    async with signed_in(api, "inspector") as inspector, signed_in(api, "head") as head:
        proposal = {"basis": "large_amount", "facts": "经责令逾期仍未支付"}
        r = await post(inspector, cid, "propose_blacklist", "case", **proposal, persons="董事长 王某某")
        assert r.status_code == 422 and "第1行：" in r.text and 'id="case-propose_blacklist" open' in r.text
        persons = f"法定代表人 王某某 {make_id(71)} 执行董事"
        r = await post(inspector, cid, "propose_blacklist", "case", **proposal, persons=persons)
        assert r.status_code == 303, r.text
        page = (await inspector.get(r.headers["location"])).text
        assert 'id="blacklist-h"' in page and "已告知，听取陈述申辩" in page
        assert "王某某（执行董事）" in page and make_id(71) in page  # the case's own people see it in full
        assert 'id="blacklist-record_service"' in page and 'id="blacklist-submit_defense"' in page
        assert '<input type="hidden" name="procedure" value="blacklist">' in page
        assert "启动列入名单程序，发出告知书" in history_rows(page)

        listing = (await api_case(api, cid))["blacklist"]
        for notice in (n for n in listing["notices"] if n["kind"] == "blacklist_notice"):
            fields = {"notice_id": notice["notice_id"], "served_at": local(clock), "method": "direct"}
            r = await post(inspector, cid, "record_service", "blacklist", **fields)
            assert r.status_code == 303, r.text
        defense = {"party": "王某某", "text": "资金困难", "procedure": "blacklist"}
        assert (await post(inspector, cid, "submit_defense", "blacklist", **defense)).status_code == 303

        page = (await head.get(f"/cases/{cid}")).text
        assert 'id="blacklist-decide_blacklist"' in page and 'id="blacklist-submit_defense"' not in page
        r = await post(head, cid, "decide_blacklist", "blacklist", list="true", reason="申辩理由不成立")
        assert r.status_code == 409 and '<details class="action" id="blacklist-decide_blacklist" open>' in r.text
        assert 'id="blacklist-decide_blacklist-refused"' in r.text and ">申辩理由不成立</textarea>" in r.text
        await clock.skip(10)
        r = await post(head, cid, "decide_blacklist", "blacklist", list="true", reason="申辩理由不成立")
        assert r.status_code == 303, r.text
        assert (await api_case(api, cid))["blacklist"]["status"] == "listed"
        page = (await head.get(r.headers["location"])).text
        assert "已列入名单" in page and "作出是否列入名单决定" in history_rows(page)


async def test_a_referral_through_its_panel(staged: tuple[Api, Clock]) -> None:  # noqa: F811
    api, clock = staged
    cid = await ordered_and_ignored(api, clock)
    async with signed_in(api, "inspector") as inspector, signed_in(api, "head") as head:
        report = "有能力支付而不支付，经责令仍不支付"
        r = await post(inspector, cid, "refer_to_police", "case", report=report, officers="执法人员甲")
        assert r.status_code == 422 and 'id="case-refer_to_police-officers-error1"' in r.text
        r = await post(inspector, cid, "refer_to_police", "case", report=report, officers="执法人员甲\n执法人员乙\n")
        assert r.status_code == 303, r.text
        page = (await head.get(f"/cases/{cid}")).text
        assert 'id="referral-h"' in page and "移送报告待负责人审批" in page and "执法人员甲、执法人员乙" in page
        assert "移送审批期限" in page
        r = await post(head, cid, "decide_referral", "referral", approve="true", reason="同意移送")
        assert r.status_code == 303, r.text
        assert (await api_case(api, cid))["referral"]["status"] == "approved"
        page = (await inspector.get(f"/cases/{cid}")).text
        assert "已批准，待移送公安机关" in page and 'id="referral-record_transfer"' in page
        moved = {"transferred_at": local(clock), "police_organ": "太原市公安局小店分局"}
        assert (await post(inspector, cid, "record_transfer", "referral", **moved)).status_code == 303
        assert (await api_case(api, cid))["referral"]["status"] == "transferred"


# --- the forms themselves (no server) ---------------------------------------------------------------------------


def test_every_action_has_a_form_without_the_apis_own_fields() -> None:
    for action in Action:
        fields = fields_of(action)
        assert all(not f.name.startswith("threshold") for f in fields), action
        assert all(f.label and f.label != f.name for f in fields), action
        assert fields[-1].name == "comment"
    widgets = {f.name: f.widget for f in fields_of(Action.RECORD_SERVICE)}
    assert widgets == {
        "notice_id": "text",
        "served_at": "datetime",
        "method": "select",
        "recipient": "text",
        "electronic_consent": "textarea",
        "comment": "textarea",
    }
    method = next(f for f in fields_of(Action.RECORD_SERVICE) if f.name == "method")
    assert ("left", "留置送达") in method.options
    reject = {f.name: f for f in fields_of(Action.REJECT)}
    assert reject["reason_code"].required and ("time_barred", "超过两年查处时效") in reject["reason_code"].options
    decide = {f.name: f for f in fields_of(Action.DECIDE_PENALTY)}
    assert decide["impose"].options == (("true", "是"), ("false", "否")) and decide["amount"].widget == "decimal"
    assert {f.name: f.widget for f in fields_of(Action.ISSUE_ORDER)}["due_date"] == "date"


def test_a_posted_form_becomes_the_apis_body() -> None:
    now = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
    lines = f"{make_id(1)} 12,000.00 2026-11-19 10:30 工资保证金\n\n{make_id(2)} 500\n"
    assert body_of(Action.RECORD_PAYMENT, {"payments": lines, "comment": ""}, now) == {
        "payments": [
            {
                "id_number": make_id(1),
                "amount": "12000.00",
                "paid_at": "2026-11-19T10:30:00+08:00",
                "source": "wage_deposit",
            },
            {"id_number": make_id(2), "amount": "500", "paid_at": "2026-11-20T02:00:00+08:00"},
        ]
    }
    served = {"notice_id": "N-1", "served_at": "2026-11-19T09:05", "method": "direct", "recipient": " "}
    assert body_of(Action.RECORD_SERVICE, served, now) == {
        "notice_id": "N-1",
        "served_at": "2026-11-19T09:05:00+08:00",
        "method": "direct",
    }
    assert body_of(Action.DECIDE_PENALTY, {"impose": "false", "reason": "情节轻微"}, now) == {
        "impose": False,
        "reason": "情节轻微",
    }
    persons = f"法定代表人 王某某 {make_id(71)} 项目 经理\n直接责任人员 李某 {make_id(72)}"
    assert body_of(Action.PROPOSE_BLACKLIST, {"persons": persons, "threshold": "1"}, now)["persons"] == [
        {"role": "legal_representative", "name": "王某某", "id_number": make_id(71), "position": "项目 经理"},
        {"role": "responsible_person", "name": "李某", "id_number": make_id(72)},
    ]
    assert body_of(Action.REFER_TO_POLICE, {"officers": "甲\n 乙 \n"}, now)["officers"] == ["甲", "乙"]
    with pytest.raises(ApiError) as refused:
        body_of(Action.RECORD_FINDING, {"workers": f"{make_id(1)}\n{make_id(2)} 1 2"}, now)
    messages = [d["message"] for d in refused.value.details]
    assert [d["field"] for d in refused.value.details] == ["workers", "workers"]
    assert messages[0].startswith("第1行：") and messages[1].startswith("第2行：")
    assert not any(make_id(1) in m or make_id(2) in m for m in messages)  # never the input echoed


def test_a_refusal_is_placed_and_said_for_people() -> None:
    exc = ApiError(
        ErrorCode.VALIDATION_FAILED,
        details=[
            {"field": "payments.1.amount", "message": "最多两位小数"},
            {"field": "electronic_consent", "message": "请填写同意电子送达的记录（electronic_consent）"},
            {"field": "body", "message": f"{make_id(3)} 不对"},
        ],
    )
    failed = failure(Action.RECORD_PAYMENT, "case", exc, {"payments": "x"})
    assert failed.fields == {"payments": ["第2行（金额）：最多两位小数"]}
    assert failed.general[0] == "请填写同意电子送达的记录" and make_id(3) not in failed.general[1]
    assert for_people("请在 not_time_barred_because 中写明理由") == "请在 “未超过查处时效的理由” 中写明理由"
