"""The two lists published to everyone without sign-in: the arrears blacklist (人社部令第45号) during each
listing's term, and the major violations (重大劳动保障违法行为社会公布, 人社部令第29号).

Only what the law publishes leaves here: names of the employer and of the listed persons, the USCC, masked ID
numbers, the grounds and the decisions' document numbers. Never a worker, a phone, a full ID number, nor an
internal id (track, case, case number): not even inside the cursor, which carries the entry's date and its
smallest document number (already public in the entry). An entry without a document number has no decision to
publish and is left out (the workflows never make one: a listing issues its decisions, a publication requires
one)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Column, Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.cases import InvalidCursor
from db.tables import cases, tracks
from db.tracks import decode
from models.clock import shanghai_date
from models.identity import mask_id, mask_numbers
from models.notices import NoticeKind
from models.track_summary import Publication, TrackKind
from models.tracks import BASIS_ZH, PARTY_ROLE_ZH, BlacklistState, BlacklistStatus, PartyRole

__all__ = ["InvalidCursor", "blacklist_page", "violations_page"]


@dataclass(frozen=True)
class PublicPerson:
    name: str
    role: str
    id_number_masked: str | None


@dataclass(frozen=True)
class BlacklistEntry:
    employer_name: str
    uscc: str
    persons: list[PublicPerson]
    grounds: str
    documents: list[str]
    listed_on: date
    listed_until: date
    """The last day on the list (the term ends at the start of the next)."""
    region_code: str


@dataclass(frozen=True)
class ViolationEntry:
    employer_name: str
    uscc: str
    legal_representative: str | None
    violation: str
    documents: list[str]
    published_on: date
    region_code: str


T = TypeVar("T")
E = TypeVar("E")
D = TypeVar("D", bound=date)


@dataclass(frozen=True)
class PublicPage(Generic[T]):
    items: list[T]
    next_cursor: str | None


# --- the cursor: (the entry's date or time, its smallest document number) -----------------------------------


def encode_cursor(at: date, key: str) -> str:
    raw = json.dumps([at.isoformat(), key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(token: str, parse: Callable[[str], D]) -> tuple[D, str]:
    try:
        at, key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        value = parse(at)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(token) from exc
    if not isinstance(key, str):
        raise InvalidCursor(token)
    return value, key


def _date_of(text: str) -> date:
    if not isinstance(text, str) or len(text) != 10:  # a datetime's text is no listing's date
        raise ValueError(text)
    return date.fromisoformat(text)


def _datetime_of(text: str) -> datetime:
    """An aware moment as UTC (what the column holds); naive, or out of range once in UTC (year 0 or 10000):
    no cursor of ours."""
    if not isinstance(text, str):
        raise TypeError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(text) from None


# --- keyset paging ordered by (a column desc, the public key asc) ------------------------------------------


@dataclass(frozen=True)
class _Keyed(Generic[E]):
    at: Any
    key: str
    entry: E


async def _page(
    session: AsyncSession,
    query: Select[Any],
    column: Column[Any],
    after: tuple[Any, str] | None,
    limit: int,
    entry: Callable[[Row[Any]], _Keyed[E] | None],
) -> PublicPage[E]:
    """A page in (``column`` desc, public key asc) order. The index walks ``column`` (then an internal id, which
    never leaves here); rows sharing a value of ``column`` are read whole and ordered by their public key, so
    a cursor needs nothing internal: the rows at the cursor's value past its key, then those below it."""

    async def rows(q: Select[Any]) -> list[Row[Any]]:
        return list((await session.execute(q)).all())

    def ordered(found: list[Row[Any]], past: str | None = None) -> list[_Keyed[E]]:
        keyed = [k for k in map(entry, found) if k is not None and (past is None or k.key > past)]
        keyed.sort(key=lambda k: k.key)
        keyed.sort(key=lambda k: k.at, reverse=True)  # stable: ties keep the key's order
        return keyed

    found: list[_Keyed[E]] = []
    bound = None
    if after is not None:
        bound = after[0]
        found = ordered(await rows(query.where(column == bound)), past=after[1])
    while len(found) <= limit:
        batch = await rows((query if bound is None else query.where(column < bound)).limit(limit + 1))
        if len(batch) <= limit:  # the rest, whole
            found += ordered(batch)
            break
        bound = batch[limit]._mapping[column.key]  # its value's rows may go on past the batch: read them all
        whole = [r for r in batch if r._mapping[column.key] != bound] + await rows(query.where(column == bound))
        found += ordered(whole)
    page = found[:limit]
    more = len(found) > limit
    return PublicPage([k.entry for k in page], encode_cursor(page[-1].at, page[-1].key) if more else None)


# --- the blacklist -----------------------------------------------------------------------------------------


def _listing(state: BlacklistState) -> BlacklistEntry | None:
    documents = [n.doc_number for n in state.notices if n.kind == NoticeKind.BLACKLIST_DECISION.value]
    if not documents or state.term_start is None or state.term_end is None:
        return None
    persons = [
        PublicPerson(p.name, PARTY_ROLE_ZH[p.role], mask_id(p.id_number) if p.id_number else None)
        for p in state.parties
        if p.role != PartyRole.EMPLOYER and p.decision_notice_id is not None  # only those the decision lists
    ]
    return BlacklistEntry(
        employer_name=state.employer.name,
        uscc=state.employer.uscc,
        persons=persons,
        grounds=BASIS_ZH[state.basis],
        documents=documents,
        listed_on=state.term_start,
        listed_until=state.term_end - timedelta(days=1),
        region_code=state.region_code,
    )


def _keyed_listing(row: Row[Any]) -> _Keyed[BlacklistEntry] | None:
    state = decode(row.state)
    listing = _listing(state) if isinstance(state, BlacklistState) else None
    return None if listing is None else _Keyed(listing.listed_on, min(listing.documents), listing)


async def blacklist_page(
    session: AsyncSession, today: date, limit: int, cursor: str | None = None
) -> PublicPage[BlacklistEntry]:
    """The listings whose term runs today (Asia/Shanghai: ``term_start <= today < term_end``), newest first.
    A listing dropped, removed early or expired is not listed (nor one whose term ended before the workflow
    marked it expired)."""
    after = _decode_cursor(cursor, _date_of) if cursor else None
    t = tracks.c
    query = (
        select(t.term_start, t.state)
        .where(
            t.kind == TrackKind.BLACKLIST.value,
            t.status == BlacklistStatus.LISTED.value,
            t.term_start <= today,
            t.term_end > today,
        )
        .order_by(t.term_start.desc(), t.track_id)
    )
    return await _page(session, query, t.term_start, after, limit, _keyed_listing)


# --- major violations --------------------------------------------------------------------------------------


def _violation(row: Row[Any]) -> _Keyed[ViolationEntry] | None:
    publication = Publication.model_validate(row.publication)
    documents = list(publication.documents)
    if not documents:
        return None
    employer: dict[str, Any] = row.employer or {}
    entry = ViolationEntry(
        employer_name=row.employer_name,
        uscc=row.employer_uscc,
        legal_representative=employer.get("legal_representative"),
        violation=mask_numbers(publication.violation),
        documents=documents,
        published_on=shanghai_date(row.published_at),
        region_code=row.region_code,
    )
    return _Keyed(row.published_at, min(documents), entry)


async def violations_page(session: AsyncSession, limit: int, cursor: str | None = None) -> PublicPage[ViolationEntry]:
    """The cases the head decided to publish, newest decision first. Only the state's publication and employer
    are read out of its JSON, never its workers."""
    after = _decode_cursor(cursor, _datetime_of) if cursor else None
    c = cases.c
    query = (
        select(
            c.published_at,
            c.employer_name,
            c.employer_uscc,
            c.region_code,
            c.state["publication"].label("publication"),
            c.state["employer"].label("employer"),
        )
        .where(c.published_at.is_not(None))
        .order_by(c.published_at.desc(), c.case_id)
    )
    return await _page(session, query, c.published_at, after, limit, _violation)
