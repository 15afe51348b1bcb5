"""The hash chain over each case's history rows (tamper evidence; docs/security.md, "Tamper-evident history").

Pure functions, no I/O: the writers (db.cases.append_events, db.cases.append_rows) and the verifier
(db.audit) compute the same thing.

**Canonical form of a row.** A JSON object with exactly these nine keys::

    case_id       string
    seq           integer
    at            string: the moment in UTC, ISO 8601 with microseconds and "+00:00"
                  (2026-11-22T02:00:00.000000+00:00)
    kind          string
    actor         string
    actor_role    string
    stage_before  string or null
    stage_after   string
    data          the row's JSON data as stored: amounts and dates are already strings there

serialised with sorted keys (at every depth), no whitespace (separators "," and ":"), non-ASCII characters
as themselves (``ensure_ascii=False``), NaN and infinities refused, then encoded as UTF-8. History data holds
no floating-point numbers (PostgreSQL's jsonb would rewrite the spelling of some, e.g. 1e100).

**Hash of a row.** ``hash = SHA-256(canonical form ‖ prev_hash)``, as 64 lowercase hex digits, where
``prev_hash`` is the 64 hex digits (ASCII) of the hash of the case's previous row in insertion order (the
table's ``id``), and GENESIS (64 zeros) for the case's first row. The chain is per case.

**Rows written before the chain** (migration 0005: ``hash`` NULL) are a legacy prefix: they are chained
virtually, as if they had been hashed (``running`` below), so the case's first hashed row links to the
virtual hash of its legacy rows and seals them from then on. A legacy row after a hashed row is a break.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import UTC, datetime
from typing import Any

_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)

GENESIS = "0" * 64
"""The ``prev_hash`` of a case's first row."""

CHAINED = ("case_id", "seq", "at", "kind", "actor", "actor_role", "stage_before", "stage_after", "data")
"""The columns of ``case_events`` the hash covers (all but ``id``, ``prev_hash`` and ``hash``)."""


def utc_iso(at: datetime) -> str:
    """The moment as the canonical form writes it: UTC, microseconds, explicit offset."""
    if at.tzinfo is None:
        raise ValueError("naive datetime refused: the chain hashes aware moments only")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(row: Mapping[Any, Any]) -> bytes:
    """The row's canonical form (see the module's docstring), from a mapping with the CHAINED keys."""
    doc = {
        "case_id": str(row["case_id"]),
        "seq": int(row["seq"]),
        "at": utc_iso(row["at"]),
        "kind": str(row["kind"]),
        "actor": str(row["actor"]),
        "actor_role": str(row["actor_role"]),
        "stage_before": None if row["stage_before"] is None else str(row["stage_before"]),
        "stage_after": str(row["stage_after"]),
        "data": row["data"],
    }
    return _JSON.encode(doc).encode("utf-8")


def row_hash(row: Mapping[Any, Any], prev_hash: str) -> str:
    """SHA-256 over the row's canonical form followed by the previous row's hash (hex)."""
    return hashlib.sha256(canonical(row) + prev_hash.encode("ascii")).hexdigest()


def running(row: Mapping[Any, Any], prev_hash: str) -> str:
    """The hash the next row links to after ``row``: its stored hash, or for a legacy row (hash NULL) the hash
    it would have had."""
    stored = row.get("hash")
    return str(stored) if stored is not None else row_hash(row, prev_hash)


def link(rows: Iterable[MutableMapping[str, Any]], heads: MutableMapping[str, str]) -> None:
    """Chain new rows in the order given (their insertion order): set each row's ``prev_hash`` and ``hash``
    from the head of its case's chain, and move the head. ``heads`` maps case id to the hash the case's next
    row links to (GENESIS for a case without rows); a case missing from it starts at GENESIS."""
    for row in rows:
        prev = heads.get(row["case_id"], GENESIS)
        row["prev_hash"] = prev
        row["hash"] = heads[row["case_id"]] = row_hash(row, prev)
