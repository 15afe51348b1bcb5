"""The blacklist and the referral end to end through the HTTP contract (issue 9): the API routes each action to
the workflow that owns it (the case, the listing, the referral), fills in the province's figures itself, and the
public list shows the listing while its term runs, never a full ID number. Time-skipping server of the test's
own, real database, documents fetched as PDFs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import api.routes.public as public_routes
from models.clock import shanghai_date
from tests.api.conftest import Api
from tests.api.test_enforcement_path import Clock, act, new_case, staged  # noqa: F401 - staged is a fixture
from tests.builders import make_id
from tests.notices.conftest import pdf_text

PERSONS = [{"role": "legal_representative", "name": "王某某", "id_number": make_id(71), "position": "执行董事"}]


async def refused(api: Api, cid: str, name: str, body: dict[str, Any], who: str = "inspector") -> tuple[int, str]:
    r = await api.http.post(f"/api/v1/cases/{cid}/actions/{name}", json=body, headers=api.auth(who))
    return r.status_code, str(r.json()["error"]["code"])


async def ordered_and_ignored(api: Api, clock: Clock, owed: str = "11000.00") -> str:
    cid = await new_case(api, clock)
    lines = [{"id_number": make_id(i), "confirmed_amount": owed} for i in (1, 2)]
    await act(api, cid, "record_finding", {"workers": lines})
    due = (shanghai_date(clock.now()) + timedelta(days=5)).isoformat()
    case = await act(api, cid, "issue_order", {"due_date": due})
    order = case["notices"][-1]["notice_id"]
    await act(
        api, cid, "record_service", {"notice_id": order, "served_at": clock.now().isoformat(), "method": "direct"}
    )
    await clock.skip(6)
    return cid


async def pdf(api: Api, cid: str, kind: str) -> str:
    listed = (await api.http.get(f"/api/v1/cases/{cid}/notices", headers=api.auth("inspector"))).json()
    notice = next(n for n in listed if n["kind"] == kind)
    r = await api.http.get(notice["url"], headers=api.auth("inspector"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    return pdf_text(r.content)


async def test_a_listing_through_the_api_and_on_the_public_list(
    staged: tuple[Api, Clock],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api, clock = staged
    monkeypatch.setattr(public_routes, "today", lambda: shanghai_date(clock.now()))
    low = await ordered_and_ignored(api, clock, owed="4000.00")
    proposal = {"basis": "large_amount", "facts": "逾期未支付", "persons": PERSONS}
    assert await refused(api, low, "propose_blacklist", proposal) == (409, "threshold_not_met")
    assert await refused(api, low, "decide_blacklist", {"list": True, "reason": "x"}, "head") == (409, "no_track")

    cid = await ordered_and_ignored(api, clock)
    # whatever figures a caller sends, the API applies the configured ones (Shanxi: the national floor, 5,000)
    case = await act(
        api, cid, "propose_blacklist", {**proposal, "threshold": {"one_worker": "20000", "ten_workers": "100000"}}
    )
    listing = case["blacklist"]
    assert listing["status"] == "proposed" and listing["status_zh"] == "已告知，听取陈述申辩"
    notices = [n for n in listing["notices"] if n["kind"] == "blacklist_notice"]
    assert len(notices) == 2 and listing["detail"]["threshold"]["one_worker"] == "5000"
    assert (
        "decide_blacklist"
        in (await api.http.get(f"/api/v1/cases/{cid}", headers=api.auth("head"))).json()["blacklist"]["allowed_actions"]
    )
    text = await pdf(api, cid, "blacklist_notice")
    assert "列入拖欠农民工工资失信联合惩戒对象名单告知书" in text and "第四十八条" in text

    for notice in notices:  # routed to the listing by the notice's owner
        body = {"notice_id": notice["notice_id"], "served_at": clock.now().isoformat(), "method": "direct"}
        case = await act(api, cid, "record_service", body)
    await act(api, cid, "submit_defense", {"party": "王某某", "text": "资金困难", "procedure": "blacklist"})
    assert await refused(api, cid, "decide_blacklist", {"list": True, "reason": "列入"}, "head") == (
        409,
        "defense_period_running",
    )
    await clock.skip(10)
    case = await act(api, cid, "decide_blacklist", {"list": True, "reason": "经复核，申辩理由不成立"}, "head")
    assert case["blacklist"]["status"] == "listed"
    assert case["blacklist"]["detail"]["parties"][1]["id_number"] == make_id(71)  # the case's own people see it
    history = (await api.http.get(f"/api/v1/cases/{cid}/history", headers=api.auth("supervisor"))).json()
    kinds = [h["kind"] for h in history]
    assert {"propose_blacklist", "blacklist_proposed", "decide_blacklist"} <= set(kinds)

    r = await api.http.get("/api/v1/public/blacklist")
    assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
    text = r.text
    assert "太原市某建筑劳务有限公司" in text and "王某某" in text
    assert make_id(71) not in text and cid not in text and "13900000000" not in text


async def test_a_referral_through_the_api(staged: tuple[Api, Clock]) -> None:  # noqa: F811
    api, clock = staged
    cid = await ordered_and_ignored(api, clock)
    report = {"report": "有能力支付而不支付，经责令仍不支付", "officers": ["执法人员甲", "执法人员乙"]}
    assert await refused(api, cid, "refer_to_police", {**report, "officers": ["甲"]}) == (422, "validation_failed")
    case = await act(api, cid, "refer_to_police", report)
    assert case["referral"]["status"] == "awaiting_approval"
    assert await refused(api, cid, "refer_to_police", report) == (409, "track_already_open")
    assert await refused(api, cid, "decide_referral", {"approve": True, "reason": "同意"}) == (403, "role_not_allowed")
    case = await act(api, cid, "decide_referral", {"approve": True, "reason": "同意移送"}, "head")
    assert case["referral"]["status"] == "approved"
    transfer = await pdf(api, cid, "referral_transfer")
    assert "涉嫌犯罪案件移送书" in transfer and "第二百七十六条之一" in transfer
    materials = await pdf(api, cid, "evidence_list")
    assert "送达回证" in materials or "送达" in materials
    moved = {"transferred_at": clock.now().isoformat(), "police_organ": "太原市公安局小店分局"}
    case = await act(api, cid, "record_transfer", moved)
    assert case["referral"]["status"] == "transferred"
    decided = {
        "accepted": True,
        "reference": "小公立字〔2026〕1号",
        "decided_on": shanghai_date(clock.now()).isoformat(),
    }
    case = await act(api, cid, "record_police_decision", decided)
    assert case["referral"]["status"] == "police_accepted"
    # the case goes on: a payment is recorded on the case and passed on
    paid = {"payments": [{"id_number": make_id(1), "amount": "1000.00", "paid_at": clock.now().isoformat()}]}
    case = await act(api, cid, "record_payment", paid)
    assert case["outstanding"] == "21000.00"
