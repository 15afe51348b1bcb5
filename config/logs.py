"""Structured logs: one JSON object a line, with the request, the case and the actor, and no personal data.

Every long-running command (``qingling api``, ``worker``, ``dev``) calls :func:`setup_logging` once: the root
logger gets one handler writing to stderr, with

- :class:`JsonFormatter`: ``time`` (ISO 8601 in Asia/Shanghai, ``+08:00``, milliseconds), ``level``,
  ``logger``, ``message``, ``request_id``, ``case_id``, ``actor`` (a user id; null when there is none) and,
  when the record carries an exception, ``exc_info`` (the traceback as one string);
- :class:`RedactPersonalData`: a filter that masks anything looking like a resident ID number (18
  characters, or the old 15 digits) or a mobile number (11 digits) in the message, its arguments and the
  traceback, with the same masks as the notices (``110105********1234``, ``138****5678``).

The request, the case and the actor come from a context variable: the API's request middleware opens a
:class:`LogContext` for each request (:func:`open_context`), the routes fill in the actor and the case
(:func:`bind`), and every record logged while the request is handled, in any task it starts, carries them.
Records from the Temporal SDK's workflow and activity loggers carry the case of the case workflow they
come from. Request bodies are never logged.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from models.clock import SHANGHAI
from models.identity import mask_numbers

CASE_WORKFLOW_TYPE = "ArrearsCase"
"""The case workflow's type (workflows.case.WORKFLOW_NAME, which config may not import): its id is the case id."""
MAX_FIELD = 128
"""A context value longer than this is cut (a case id taken from a URL path is whatever the caller sent)."""

redact = mask_numbers
"""``text`` with every resident ID number and mobile number in it masked (the same as the notices' scrub)."""


# --- the context of a record ------------------------------------------------------------------------------


@dataclass
class LogContext:
    """What the records of one request (or one piece of work) say about it. Mutable and shared by every
    task the request starts, so what a route binds late (the actor, the case) reaches the request's last
    line too."""

    request_id: str | None = None
    actor: str | None = None
    case_id: str | None = None


_CONTEXT: ContextVar[LogContext | None] = ContextVar("qingling_log_context", default=None)


def current_context() -> LogContext | None:
    return _CONTEXT.get()


def open_context(request_id: str | None = None) -> Token[LogContext | None]:
    """A fresh context for one request; pass the token to :func:`close_context` when it is done."""
    return _CONTEXT.set(LogContext(request_id=request_id))


def close_context(token: Token[LogContext | None]) -> None:
    _CONTEXT.reset(token)


def bind(*, actor: str | None = None, case_id: str | None = None) -> None:
    """Name the actor and/or the case in the current context (one is opened if there is none)."""
    ctx = _CONTEXT.get()
    if ctx is None:
        ctx = LogContext()
        _CONTEXT.set(ctx)
    if actor is not None:
        ctx.actor = actor[:MAX_FIELD]
    if case_id is not None:
        ctx.case_id = case_id[:MAX_FIELD]


# --- filter and formatter ---------------------------------------------------------------------------------


class RedactPersonalData(logging.Filter):
    """Masks ID and mobile numbers in a record's message (its arguments merged in), its traceback and its
    stack; attached to the handler, so it sees every record the handler writes, whichever logger it came
    from. The record is changed in place: a handler that runs after this one sees it masked too."""

    _plain = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the format: keep both, masked, rather than lose the record
            message = f"{record.msg!s} {record.args!r}"
        record.msg = redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._plain.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _temporal_case(record: logging.LogRecord) -> str | None:
    """The case of a record from the Temporal SDK's workflow or activity logger (their ``extra``)."""
    for key in ("temporal_workflow", "temporal_activity"):
        info = getattr(record, key, None)
        if isinstance(info, dict) and info.get("workflow_type") == CASE_WORKFLOW_TYPE:
            workflow_id = info.get("workflow_id")
            return str(workflow_id) if workflow_id else None
    return None


def _field(value: str | None) -> str | None:
    return None if value is None else redact(value[:MAX_FIELD])


class JsonFormatter(logging.Formatter):
    """One JSON object a line (non-ASCII kept as is: the messages are Chinese)."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = _CONTEXT.get() or LogContext()
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": _field(ctx.request_id),
            "case_id": _field(ctx.case_id or _temporal_case(record)),
            "actor": _field(ctx.actor),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc_info"] = redact(record.exc_text)
        if record.stack_info:
            line["stack_info"] = redact(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For the short commands run at a terminal (``qingling db``, ``user``, ``calendar``…): plain lines."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")


# --- set-up -----------------------------------------------------------------------------------------------


class _Handler(logging.StreamHandler[TextIO]):
    """Ours, so that setting up again replaces it and leaves other handlers (a test's capture) alone."""


def make_handler(stream: TextIO | None = None, *, json_lines: bool = True) -> logging.Handler:
    """A handler writing to ``stream`` (stderr) with the redaction filter and the JSON (or plain) format."""
    handler = _Handler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    handler.addFilter(RedactPersonalData())
    return handler


def setup_logging(
    *, json_lines: bool = True, level: int | str = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """Configure the root logger once for the process: our one handler (any earlier one of ours is
    replaced), ``level``, alembic quieter, Python warnings logged. Uvicorn must be started with
    ``log_config=None`` so its loggers propagate here instead of getting handlers of their own."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
        old.close()
    handler = make_handler(stream, json_lines=json_lines)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler
