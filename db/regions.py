"""Jurisdiction as SQL: a user's region prefixes (db.users.region_prefix: 2, 4 or 6 digits) over any table's
region column, so the case list, the reminders and the digests draw the line in one way."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, false, or_


def kept_prefixes(prefixes: list[str]) -> set[str]:
    """The prefixes without those another one already covers (14 covers 1401 and 140105)."""
    return {p for p in prefixes if not any(p != o and p.startswith(o) for o in prefixes)}


def within(
    prefixes: list[str] | None,
    region_code: ColumnElement[str],
    by_length: Mapping[int, ColumnElement[str]] | None = None,
) -> ColumnElement[bool] | None:
    """Rows whose ``region_code`` lies under any of the prefixes; None for no restriction (admin).

    ``by_length`` names columns holding a prefix of the region code of that length (the cases table's
    generated province_code and city_code): a prefix of such a length is an equality on that column, which
    an index serves; any other is a ``LIKE 'prefix%'`` on ``region_code``, and a full code an equality."""
    if prefixes is None:
        return None
    columns: dict[int, ColumnElement[str]] = {6: region_code, **(by_length or {})}
    kept = kept_prefixes(prefixes)
    terms: list[ColumnElement[bool]] = []
    for length in sorted({len(p) for p in kept}):
        values = sorted(p for p in kept if len(p) == length)
        column = columns.get(length)
        if column is None:
            terms.extend(region_code.startswith(v) for v in values)
        else:
            terms.append(column == values[0] if len(values) == 1 else column.in_(values))
    return or_(*terms) if terms else false()


def covered(region_code: str, prefixes: list[str] | None) -> bool:
    """The same rule in Python, for one region code."""
    return prefixes is None or any(region_code.startswith(p) for p in prefixes)
