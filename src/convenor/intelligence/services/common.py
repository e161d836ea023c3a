"""Rules every intelligence use case shares: who may change a report, and a bounded text."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from convenor.core import access
from convenor.core.models import User

from ..models import IntelligenceReport


def require_change(actor: User, report: IntelligenceReport, doing: str) -> None:
    """The one rule for changing a report (disseminate, sanitise, link, attach, answer): its
    originator or an intelligence manager of its owner. Views and the API call it before
    showing a form; the services call it again before changing anything."""
    if not access.can(actor, access.Action.CHANGE, report):
        raise PermissionDenied(f"Only the originator or an intelligence manager can {doing}")


def required_text(value: str | None, field: str, *, missing: str, named: str, most: int) -> str:
    """``value`` stripped; a ``ValidationError`` on ``field`` when it is empty or longer than
    ``most`` characters (``named`` begins that message: "The reply must be ...")."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > most:
        raise ValidationError({field: f"{named} must be {most:,} characters or fewer"})
    return text
