"""The classification notice every page carries, read from settings rather than the request
context, so pages rendered without one (the server error page) still say it."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def classification_notice() -> str:
    return settings.CONVENOR_CLASSIFICATION_NOTICE
