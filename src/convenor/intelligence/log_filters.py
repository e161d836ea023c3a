"""Keep the anonymous channel out of the logs.

Django's request logging (``django.request``: "Bad Request: /path", with the request attached)
and the development server's access log (``django.server``: the request line, the time to the
second and the client socket in ``extra``) would otherwise record that someone used the anonymous
channel, and when. This filter, attached to those loggers in ``settings.LOGGING``, drops every
record about a path of the channel. It imports nothing from Django's apps so logging can be
configured before they load.
"""

from __future__ import annotations

import logging

ANONYMOUS_PATH = "/intelligence/report/"


class DropAnonymousChannel(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str) and path.startswith(ANONYMOUS_PATH):
            return False
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a malformed record is dropped, never raised)
            return False
        return ANONYMOUS_PATH not in message
