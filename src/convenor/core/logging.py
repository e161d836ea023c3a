"""Logs an operator can ship: one JSON object a line, each tied to its request, none telling
what a record holds nor that someone used the anonymous channel (ADR 0068).

``CONVENOR_LOG_FORMAT=json`` (the container image, compose.yaml and prod-check set it) selects
:class:`JsonFormatter`; the default ``text`` keeps plain lines for the demo and the tests.
:class:`~convenor.core.middleware.RequestLogMiddleware` keeps the current request's id, user id,
method and route name in a context variable; :class:`RequestContextFilter`, on every handler,
stamps them on each record, and drops every record written while the anonymous channel is served,
whichever logger wrote it. Nothing here imports Django's apps, so settings can load it.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import traceback
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from convenor.intelligence.log_filters import ANONYMOUS_PATH

LOG_FORMATS = ("text", "json")
# What a record may add to its line (``extra={...}``): figures about the request or a job,
# never a field of a partnership's records.
EXTRA_FIELDS = ("status", "duration_ms", "job_id", "task", "attempt", "queue_depth")
CONTEXT_FIELDS = ("request_id", "user_id", "method", "route")
# A path's query string ("?q=Smith"), wherever a message quotes a path.
_QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


@dataclass
class RequestContext:
    request_id: str | None = None
    user_id: int | None = None
    method: str | None = None
    route: str | None = None
    anonymous_channel: bool = False


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def is_anonymous_channel(path: str) -> bool:
    return path.startswith(ANONYMOUS_PATH) or path == ANONYMOUS_PATH.rstrip("/")


class RequestContextFilter(logging.Filter):
    """Stamp the current request on a record; drop it while the anonymous channel is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get()
        if context is not None and context.anonymous_channel:
            return False
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, getattr(context, name) if context else None)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request's id, user id, method
    and route name, and the whitelisted figures of ``EXTRA_FIELDS``.

    Query strings are cut from any path a message quotes (a search term is record data). An
    exception is written as its type and stack frames, not its message: a database error's
    message can quote the row it refused.
    """

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": strip_query_strings(record.getMessage()),
        }
        for name in CONTEXT_FIELDS + EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None or name in CONTEXT_FIELDS:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            line["exception"] = f"{kind.__module__}.{kind.__qualname__}"
            line["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(trace)
            ]
        return json.dumps(line, default=str)


def strip_query_strings(message: str) -> str:
    return _QUERY_STRING.sub(r"\1", message)


def logging_config(log_format: str, level: str, splink_level: str) -> dict:
    """``settings.LOGGING`` for ``CONVENOR_LOG_FORMAT``; an unknown format is refused."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(
            f"CONVENOR_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}."
        )
    json_lines = log_format == "json"
    formatter = {"()": "convenor.core.logging.JsonFormatter"}
    filters = ["request_context"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            # The anonymous reporting channel leaves no trace in any log (ADR 0032): by path on
            # the request loggers, and by the request being served on every handler.
            "anonymous_channel": {"()": "convenor.intelligence.log_filters.DropAnonymousChannel"},
            "request_context": {"()": "convenor.core.logging.RequestContextFilter"},
        },
        "formatters": {
            "json": formatter,
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": filters,
                **({"formatter": "json"} if json_lines else {}),
            },
            "django.server": {
                "level": "INFO",
                "class": "logging.StreamHandler",
                "filters": filters,
                "formatter": "json" if json_lines else "django.server",
            },
        },
        "loggers": {
            # Splink warns about every comparison level it could not train on a partnership's
            # data; the linkage run's own summary says how the model was trained.
            "splink": {"level": splink_level},
            "django.request": {"filters": ["anonymous_channel"]},
            "django.server": {
                "handlers": ["django.server"],
                "level": "INFO",
                "propagate": False,
                "filters": ["anonymous_channel"],
            },
            # One line a request (RequestLogMiddleware): the access log, in JSON mode only (the
            # development server writes its own in text mode).
            "convenor.request": {"level": "INFO" if json_lines else "WARNING"},
        },
        "root": {"handlers": ["console"], "level": level},
    }
