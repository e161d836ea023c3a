"""The groups an entity belongs to and the orders on it, on the threat picture's entity page."""

from __future__ import annotations

from convenor.threat.entity_sections import EntityItem, EntitySection, register_entity_section

from . import selectors


@register_entity_section(order=10)
def groups(user, entity) -> EntitySection:
    items = [
        EntityItem(m.group.name, m.group.get_absolute_url(), f"{m.get_role_display()} member")
        for m in selectors.memberships_of_entity(user, entity)
    ]
    return EntitySection("groups", "Groups", items, "In no organised crime group you may see")


@register_entity_section(order=30)
def orders(user, entity) -> EntitySection:
    items = []
    for order in selectors.orders_on_entity(user, entity):
        until = f", expires {_day(order.expires_on)}" if order.expires_on else ""
        items.append(
            EntityItem(
                f"{order.order_type.name} on {order.subject.name}",
                order.get_absolute_url(),
                f"Made {_day(order.made_on)} at {order.court}{until} ({order.group.name})",
            )
        )
    return EntitySection("orders", "Orders", items, "No orders you may see")


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"
