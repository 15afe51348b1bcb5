"""Telling a database outage (server down, restarting, connection cut) from a bug in a statement."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

_OUTAGE_SQLSTATE_CLASSES = ("08", "57")
"""SQLSTATE classes of an outage: 08 connection exception, 57 operator intervention (shutting down,
starting up: 57P01–57P03)."""


def is_outage(exc: BaseException) -> bool:
    """True if ``exc`` says the database cannot be reached now, so the caller may answer 503 and retry later;
    False for errors a retry would repeat (a constraint, a bad statement)."""
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout, ConnectionError)):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        seen: BaseException | None = exc.orig
        while seen is not None:
            state = getattr(seen, "sqlstate", None) or getattr(seen, "pgcode", None)
            if isinstance(state, str) and state[:2] in _OUTAGE_SQLSTATE_CLASSES:
                return True
            if isinstance(seen, (ConnectionError, TimeoutError)):
                return True
            seen = seen.__cause__
    return False
