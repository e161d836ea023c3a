from django.conf import settings

from . import access
from .models import AuditEntry


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated and user.is_verified())
    return {
        "signed_in": signed_in,
        "classification_notice": settings.CONVENOR_CLASSIFICATION_NOTICE,
        "can_read_audit": signed_in and access.can(user, "view", model=AuditEntry),
        "can_administer": signed_in and access.can(user, "administer"),
    }
