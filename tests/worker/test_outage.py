"""An outage (answer 503, retry later) is told apart from a bug (answer 500)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError

from db.outage import is_outage


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("SELECT 1", {}, Exception("unable to open database file")),
        ConnectionRefusedError(111, "Connect call failed"),
        DBAPIError("SELECT 1", {}, PgError("57P01")),  # admin shutdown
        DBAPIError("SELECT 1", {}, PgError("57P03")),  # cannot connect now (starting up)
        DBAPIError("SELECT 1", {}, PgError("08006")),  # connection failure
        DBAPIError("SELECT 1", {}, ConnectionResetError()),
    ],
)
def test_outages(exc: BaseException) -> None:
    assert is_outage(exc)


@pytest.mark.parametrize(
    "exc",
    [
        IntegrityError("INSERT", {}, PgError("23505")),
        ProgrammingError("SELEC", {}, PgError("42601")),
        DBAPIError("SELECT 1", {}, PgError("22P02")),
        ValueError("no"),
    ],
)
def test_bugs_are_not_outages(exc: BaseException) -> None:
    assert not is_outage(exc)
