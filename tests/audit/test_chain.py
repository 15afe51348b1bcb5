"""The chain's canonical form and hash (db/chain.py): pure, pinned to fixed values so a change of the form
(which would break every stored chain) cannot pass unnoticed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from db.chain import GENESIS, canonical, link, row_hash, running

ROW: dict[str, Any] = {
    "case_id": "QL-0123456789abcdef",
    "seq": 2,
    "at": datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
    "kind": "accept",
    "actor": "u_inspector",
    "actor_role": "inspector",
    "stage_before": "intake",
    "stage_after": "investigating",
    "data": {"notice": "小人社监受〔2026〕1号", "b": [1, {"z": None, "a": "1.50"}]},
}


def test_canonical_form_is_sorted_compact_utf8() -> None:
    expected = (
        '{"actor":"u_inspector","actor_role":"inspector","at":"2026-11-22T02:00:00.000000+00:00",'
        '"case_id":"QL-0123456789abcdef","data":{"b":[1,{"a":"1.50","z":null}],"notice":"小人社监受〔2026〕1号"},'
        '"kind":"accept","seq":2,"stage_after":"investigating","stage_before":"intake"}'
    )
    assert canonical(ROW) == expected.encode("utf-8")


def test_hash_is_sha256_of_canonical_form_and_previous_hash() -> None:
    prev = "ab" * 32
    assert row_hash(ROW, prev) == hashlib.sha256(canonical(ROW) + prev.encode()).hexdigest()
    assert row_hash(ROW, GENESIS) != row_hash(ROW, prev)


def test_the_moment_is_hashed_in_utc_whatever_its_offset() -> None:
    shanghai = timezone(timedelta(hours=8))
    same = {**ROW, "at": datetime(2026, 11, 22, 10, 0, tzinfo=shanghai)}
    assert row_hash(same, GENESIS) == row_hash(ROW, GENESIS)
    with pytest.raises(ValueError, match="naive"):
        canonical({**ROW, "at": datetime(2026, 11, 22, 2, 0)})


@pytest.mark.parametrize(
    "change",
    [
        {"case_id": "QL-other"},
        {"seq": 3},
        {"at": ROW["at"] + timedelta(microseconds=1)},
        {"kind": "reject"},
        {"actor": "u_other"},
        {"actor_role": "head"},
        {"stage_before": None},
        {"stage_after": "closed"},
        {"data": {**ROW["data"], "notice": "小人社监受〔2026〕2号"}},
    ],
)
def test_every_field_is_covered(change: dict[str, Any]) -> None:
    assert row_hash({**ROW, **change}, GENESIS) != row_hash(ROW, GENESIS)


def test_link_chains_rows_per_case_in_order() -> None:
    rows: list[dict[str, Any]] = [
        {**ROW, "case_id": "A", "seq": 1},
        {**ROW, "case_id": "B", "seq": -7},
        {**ROW, "case_id": "A", "seq": 2},
    ]
    heads = {"B": "cd" * 32}
    link(rows, heads)
    assert rows[0]["prev_hash"] == GENESIS
    assert rows[2]["prev_hash"] == rows[0]["hash"] == row_hash(rows[0], GENESIS)
    assert rows[1]["prev_hash"] == "cd" * 32
    assert heads == {"A": rows[2]["hash"], "B": rows[1]["hash"]}


def test_legacy_rows_chain_virtually() -> None:
    legacy = {**ROW, "hash": None}
    assert running(legacy, GENESIS) == row_hash(ROW, GENESIS)
    assert running({**ROW, "hash": "ef" * 32}, GENESIS) == "ef" * 32
