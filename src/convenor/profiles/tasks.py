"""Background work for profile builds: a daemon thread per build, with its own database
connection. The version row carries the progress, so any page (or the command line) can follow
it, and a build survives the request that started it.

``CONVENOR_PROFILE_BUILD_INLINE`` (on in tests) runs the work in the caller instead.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def inline() -> bool:
    value = os.environ.get("CONVENOR_PROFILE_BUILD_INLINE")
    if value is None:
        return bool(getattr(settings, "TESTING", False))
    return value.strip().lower() in {"1", "true", "yes", "on"}


def start(fn: Callable[..., object], *args: object) -> None:
    if inline():
        fn(*args)
        return

    def work() -> None:
        close_old_connections()
        try:
            fn(*args)
        except Exception:  # the build records its own failure; never kill the server
            logger.exception("Background profile build failed")
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=work, name="convenor-profile-build", daemon=True).start()
