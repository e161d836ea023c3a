from django import template

from convenor.core.audit import action_label as _action_label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """An audit action code in plain words (``core.audit.labels``)."""
    return _action_label(code)
