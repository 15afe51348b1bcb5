"""Public disclosure without sign-in (api/routes/public.py, db/public.py): the blacklist shows the listings in
their term only, the major violations those the head published; both only what the law publishes (masked IDs,
no phone, no worker, no internal id), paged by an opaque cursor; and the migration that made their tables."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

import api.routes.public as routes
from api.app import create_app
from config.settings import Settings
from db.cases import save_case
from db.migrate import alembic_config
from db.tables import metadata
from db.tracks import save_track
from models.case import CaseState, NoticeRef, WorkerState
from models.identity import mask_id
from models.track_summary import Publication
from models.tracks import (
    BASIS_ZH,
    PARTY_ROLE_ZH,
    BlacklistBasis,
    BlacklistState,
    BlacklistStatus,
    ListedParty,
    OrderFacts,
    PartyRole,
)
from tests.builders import intake_body, make_id, make_uscc

TODAY = date(2026, 12, 1)
T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
PHONES = ["13812345678", "13900000000"]  # tests/builders.py: the complainant's and the workers'
ZH_BASES = list(BlacklistBasis)


def case_state(n: int, publication: Publication | None = None) -> CaseState:
    body = intake_body()
    return CaseState(
        case_id=f"QL-PUB-{n:04d}",
        case_number=f"小人社监案〔2026〕{n}号",
        region_code="140105",
        received_at=T0 - timedelta(days=60),
        channel=body["channel"],
        employer={**body["employer"], "name": f"太原市第{n}建筑劳务有限公司", "uscc": make_uscc(n)},
        complainant=body["complainant"],
        created_by="u_1",
        workers=[
            WorkerState(
                name=w["name"],
                id_number=w["id_number"],
                phone=w["phone"],
                claimed_amount=Decimal(w["owed_amount"]),
                owed_from=date.fromisoformat(w["owed_from"]),
                owed_to=date.fromisoformat(w["owed_to"]),
            )
            for w in body["workers"]
        ],
        last_seq=5,
        publication=publication,
    )


def notice(case_id: str, kind: str, doc: str) -> NoticeRef:
    return NoticeRef(notice_id=f"{case_id}-{kind}-{doc[-3:]}", kind=kind, doc_number=doc, issued_at=T0, sha256="0" * 64)


def listing(
    case: CaseState, n: int, status: BlacklistStatus, start: date | None, docs: list[str] | None = None
) -> BlacklistState:
    """A listing of the case's employer with its legal representative and one responsible person (their IDs
    ``make_id(100 + 2n)`` and ``make_id(101 + 2n)``)."""
    parties = [
        ListedParty(index=0, role=PartyRole.EMPLOYER, name=case.employer.name, uscc=case.employer.uscc),
        ListedParty(index=1, role=PartyRole.LEGAL_REPRESENTATIVE, name=f"法人{n}", id_number=make_id(100 + 2 * n)),
        ListedParty(index=2, role=PartyRole.RESPONSIBLE_PERSON, name=f"经理{n}", id_number=make_id(101 + 2 * n)),
    ]
    docs = docs if docs is not None else [f"晋人社失决〔2026〕{60 - n:02d}{i}号" for i in range(3)]  # keys: unlike ids
    decided = start is not None and status != BlacklistStatus.DROPPED
    refs = [notice(case.case_id, "blacklist_notice", f"晋人社失告〔2026〕{n:02d}{i}号") for i in range(3)]
    if decided:
        refs += [notice(case.case_id, "blacklist_decision", d) for d in docs]
        parties = [p.model_copy(update={"decision_notice_id": refs[3 + i].notice_id}) for i, p in enumerate(parties)]
    return BlacklistState(
        case_id=case.case_id,
        region_code=case.region_code,
        track_id=f"{case.case_id}/blacklist/1",
        number=1,
        case_number=case.case_number,
        employer=case.employer,
        order=OrderFacts(doc_number="晋人社监令〔2026〕1号", notice_id="o", served_at=T0, due=TODAY),
        created_by="u_1",
        started_at=T0,
        outstanding=Decimal("24000.00"),
        owed_workers=2,
        basis=ZH_BASES[n % len(ZH_BASES)],
        facts=f"拖欠工人1（{make_id(1)}，电话13900000000）等工资",  # free text: never published
        parties=parties,
        status=status,
        decided_at=T0 if decided else None,
        term_start=start if decided else None,
        term_end=start.replace(year=start.year + 3) if decided and start else None,
        notices=refs,
        last_seq=110_000_005,
    )


IN_TERM = {  # n: term_start; ties on one day are ordered by the smallest decision number
    1: TODAY,
    2: TODAY - timedelta(days=1),
    3: TODAY - timedelta(days=1),
    4: TODAY - timedelta(days=1),
    5: TODAY - timedelta(days=400),
    6: date(2023, 12, 2),  # term_end 2026-12-02: its last day is tomorrow
    7: TODAY - timedelta(days=30),
}
OUT = {  # listed but outside its term, dropped, removed early, expired
    8: (BlacklistStatus.LISTED, TODAY + timedelta(days=1)),
    9: (BlacklistStatus.LISTED, date(2023, 12, 1)),  # term_end is today: off the list since this morning
    10: (BlacklistStatus.DROPPED, None),
    11: (BlacklistStatus.REMOVED, TODAY - timedelta(days=200)),
    12: (BlacklistStatus.EXPIRED, date(2023, 11, 1)),
    13: (BlacklistStatus.PROPOSED, None),
}
PUBLISHED = {  # n: decided_at of the publication; 22 and 23 at the same moment
    21: datetime(2026, 11, 20, 17, 0, tzinfo=UTC),  # 2026-11-21 in Shanghai
    22: datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
    23: datetime(2026, 11, 25, 1, 0, tzinfo=UTC),
    24: datetime(2026, 10, 1, 1, 0, tzinfo=UTC),
    25: datetime(2026, 11, 28, 1, 0, tzinfo=UTC),
}


def publication(n: int) -> Publication:
    text = f"拖欠{n}名农民工工资共计24000元，经责令限期支付逾期未支付（工人身份证号{make_id(1)}，联系电话13812345678）"
    docs = [f"晋人社监决〔2026〕{60 - n}号", f"晋人社监罚〔2026〕{60 - n}号"]  # the public key's order is not the ids'
    return Publication(violation=text, decided_at=PUBLISHED[n], decided_by="u_head", documents=docs)


@pytest.fixture
async def world(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Every case and listing, saved as the workflows' activities save them."""
    cases = {n: case_state(n) for n in [*IN_TERM, *OUT]}
    cases |= {n: case_state(n, publication(n)) for n in PUBLISHED}
    cases[30] = case_state(30)  # never published
    tracks = {n: listing(cases[n], n, BlacklistStatus.LISTED, start) for n, start in IN_TERM.items()}
    tracks |= {n: listing(cases[n], n, status, start) for n, (status, start) in OUT.items()}
    async with sessions.begin() as s:
        for state in cases.values():
            await save_case(s, state, T0)
        for track in tracks.values():
            await save_track(s, track, T0)
    return {"cases": cases, "tracks": tracks}


@pytest.fixture
async def http(
    engine: AsyncEngine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setattr(routes, "today", lambda: TODAY)
    app = create_app(settings, client=cast(Client, object()), engine=engine)  # no Temporal: read model only
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client


async def every_page(http: httpx.AsyncClient, path: str, limit: int) -> tuple[list[dict[str, Any]], list[str]]:
    """All items, page by page (no Authorization header), and the raw bodies."""
    items: list[dict[str, Any]] = []
    bodies: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    for _ in range(100):  # a cursor that does not move on fails here rather than looping
        r = await http.get(path, params=params)
        assert r.status_code == 200, r.text
        assert r.headers["Cache-Control"] == "public, max-age=300"
        bodies.append(r.text)
        body = r.json()
        assert len(body["items"]) <= limit
        items += body["items"]
        if body["next_cursor"] is None:
            return items, bodies
        bodies.append(base64.urlsafe_b64decode(body["next_cursor"] + "==").decode())  # what the cursor carries
        params["cursor"] = body["next_cursor"]
    raise AssertionError("more than 100 pages")


def secrets(world: dict[str, Any]) -> list[str]:
    """What must never appear: full ID numbers, phones, internal ids and case numbers."""
    cases: dict[int, CaseState] = world["cases"]
    tracks: dict[int, BlacklistState] = world["tracks"]
    found = [make_id(i) for i in range(1, 3)] + PHONES
    for case in cases.values():
        found += [case.case_id, case.case_number or "", case.complainant.name]
        found += [w.id_number for w in case.workers] + [w.name for w in case.workers]
    for track in tracks.values():
        found += [track.track_id] + [p.id_number for p in track.parties if p.id_number]
        found += [n.notice_id for n in track.notices]
    return [s for s in found if s]


def leaks(world: dict[str, Any], bodies: list[str]) -> list[str]:
    text = "\n".join(json.dumps(json.loads(b), ensure_ascii=False) for b in bodies)  # pages and cursors: JSON
    return [s for s in secrets(world) if s in text]


def expected_blacklist(world: dict[str, Any]) -> list[str]:
    tracks: dict[int, BlacklistState] = world["tracks"]
    keyed = sorted((min(n.doc_number for n in tracks[i].notices if n.kind == "blacklist_decision"), i) for i in IN_TERM)
    keyed.sort(key=lambda k: IN_TERM[k[1]], reverse=True)
    return [k[0] for k in keyed]


@pytest.mark.parametrize("limit", [1, 2, 3, 20])
async def test_the_blacklist_shows_listings_in_their_term_only(
    world: dict[str, Any], http: httpx.AsyncClient, limit: int
) -> None:
    items, bodies = await every_page(http, "/api/v1/public/blacklist", limit)
    assert [min(item["documents"]) for item in items] == expected_blacklist(world)  # all, once each, in order
    assert not leaks(world, bodies)
    tracks: dict[int, BlacklistState] = world["tracks"]
    by_name = {t.employer.name: n for n, t in tracks.items()}
    for item in items:
        n = by_name[item["employer_name"]]
        track = tracks[n]
        assert track.term_start is not None and track.term_end is not None
        assert item == {
            "employer_name": track.employer.name,
            "uscc": track.employer.uscc,
            "persons": [
                {
                    "name": f"法人{n}",
                    "role": PARTY_ROLE_ZH[PartyRole.LEGAL_REPRESENTATIVE],
                    "id_number_masked": mask_id(make_id(100 + 2 * n)),
                },
                {
                    "name": f"经理{n}",
                    "role": PARTY_ROLE_ZH[PartyRole.RESPONSIBLE_PERSON],
                    "id_number_masked": mask_id(make_id(101 + 2 * n)),
                },
            ],
            "grounds": BASIS_ZH[track.basis],
            "documents": [r.doc_number for r in track.notices if r.kind == "blacklist_decision"],
            "listed_on": track.term_start.isoformat(),
            "listed_until": (track.term_end - timedelta(days=1)).isoformat(),
            "region_code": "140105",
        }


async def test_major_violations_are_published_newest_first(world: dict[str, Any], http: httpx.AsyncClient) -> None:
    for limit in (1, 2, 10):
        items, bodies = await every_page(http, "/api/v1/public/major-violations", limit)
        assert [i["employer_name"] for i in items] == [f"太原市第{n}建筑劳务有限公司" for n in (25, 23, 22, 21, 24)]
        assert not leaks(world, bodies)
    first = items[3]
    assert first == {
        "employer_name": "太原市第21建筑劳务有限公司",
        "uscc": make_uscc(21),
        "legal_representative": "王某某",
        "violation": "拖欠21名农民工工资共计24000元，经责令限期支付逾期未支付"
        f"（工人身份证号{mask_id(make_id(1))}，联系电话138****5678）",
        "documents": ["晋人社监决〔2026〕39号", "晋人社监罚〔2026〕39号"],
        "published_on": "2026-11-21",  # the Shanghai date of 17:00 UTC
        "region_code": "140105",
    }


async def test_no_sign_in_and_the_cursor_is_checked(world: dict[str, Any], http: httpx.AsyncClient) -> None:
    violations = (await http.get("/api/v1/public/major-violations", params={"limit": 1})).json()["next_cursor"]
    listings = (await http.get("/api/v1/public/blacklist", params={"limit": 1})).json()["next_cursor"]

    def forged(at: Any, key: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps([at, key]).encode()).decode()

    for path, cursor in [
        ("blacklist", "nonsense"),
        ("blacklist", violations),  # a cursor of the other list
        ("blacklist", forged("2026-11-30", 7)),
        ("blacklist", forged("2026-11-30T00:00:00+00:00", "晋")),
        ("major-violations", forged("0001-01-01T00:00:00+01:00", "晋")),  # before year 1 in UTC
        ("major-violations", forged("9999-12-31T23:59:59-01:00", "晋")),
        ("major-violations", forged("2026-11-30T00:00:00", "晋")),  # naive
        ("major-violations", base64.urlsafe_b64encode(b"\xff\xfe").decode()),  # not UTF-8
        ("major-violations", listings),
        ("major-violations", "e30"),  # {}
    ]:
        r = await http.get(f"/api/v1/public/{path}", params={"cursor": cursor})
        assert r.status_code == 422, (path, cursor, r.text)
        error = r.json()["error"]
        assert error["code"] == "validation_failed" and error["details"][0]["field"] == "cursor"
        assert "翻页游标无效" in error["details"][0]["message"]
        assert "Cache-Control" not in r.headers
    for limit in (0, 101):
        assert (await http.get("/api/v1/public/blacklist", params={"limit": limit})).status_code == 422
    r = await http.get("/api/v1/public/blacklist", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 200 and len(r.json()["items"]) == len(IN_TERM)  # a token is neither needed nor checked
    assert len((await http.get("/api/v1/public/blacklist")).json()["items"]) == len(IN_TERM)  # default limit 20


async def test_the_openapi_document_has_no_personal_field(http: httpx.AsyncClient) -> None:
    doc = (await http.get("/openapi.json")).json()
    for path in ("/api/v1/public/blacklist", "/api/v1/public/major-violations"):
        assert "security" not in doc["paths"][path]["get"]
    schemas = json.dumps({k: doc["components"]["schemas"][k] for k in ("BlacklistItem", "PublicPerson")})
    assert '"id_number"' not in schemas and '"phone"' not in schemas


# --- the migration ------------------------------------------------------------------------------------------

DIALECT_ONLY = {"ix_cases_employer_name_trgm"}
"""PostgreSQL's trigram index: migration 0003 makes it there only (SQLite has its FTS5 table instead)."""


def _differences(connection: Connection) -> list[Any]:
    found = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    kept = []
    for diff in found:
        named = getattr(diff[1], "name", "") if isinstance(diff, tuple) and len(diff) > 1 else ""
        if str(named).startswith("cases_name_fts") or named in DIALECT_ONLY:
            continue
        kept.append(diff)
    return kept


def _alembic(connection: Connection, action: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, action)(cfg, revision)


async def test_the_migrated_schema_is_the_tables(engine: AsyncEngine) -> None:
    """Migrations to head give what db/tables.py declares; 0006 goes down and up again without loss (on SQLite,
    the name-search triggers on ``cases`` survive: the downgrade does not copy the table)."""
    for step in ("check", "0005", "head"):
        if step != "check":
            async with engine.begin() as conn:
                await conn.run_sync(_alembic, "downgrade" if step == "0005" else "upgrade", step)
        async with engine.begin() as conn:
            differences = await conn.run_sync(_differences)
        assert bool(differences) is (step == "0005"), (step, differences)
    if engine.dialect.name == "sqlite":
        async with engine.begin() as conn:
            triggers = await conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            assert triggers.scalar_one() == 3
