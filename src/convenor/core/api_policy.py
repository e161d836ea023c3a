"""The API's gate: DRF permission and error handling that defer to the one access policy."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from . import access

logger = logging.getLogger(__name__)


class PolicyPermission(permissions.BasePermission):
    """Signed-in (by token) users only; object actions decided by ``access.can``."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_active)

    def has_object_permission(self, request, view, obj) -> bool:
        wanted = (
            access.Action.VIEW
            if request.method in permissions.SAFE_METHODS
            else access.Action.CHANGE
        )
        return access.can(request.user, wanted, obj)


def exception_handler(exc, context):
    """JSON errors for every failure; never a stack trace."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "message_dict") else exc.messages)
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            {"detail": "Something went wrong on our side. The error has been logged."},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


class SlugRelatedField(serializers.SlugRelatedField):
    """A slug reference that refuses NUL characters before any database lookup.

    PostgreSQL rejects NUL in text with a ``DataError`` that DRF would not turn into a 400.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class Pagination(LimitOffsetPagination):
    """Limit/offset paging with bounds, so no number a client sends can overflow the database."""

    max_limit = 500
    max_offset = 2**31 - 1

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), self.max_offset)
