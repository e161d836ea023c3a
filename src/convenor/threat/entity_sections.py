"""What other apps show on an entity's page (the groups it belongs to, intelligence about it,
orders on it), without the threat picture importing them: an app registers a function of the
user and the entity that returns an :class:`EntitySection` of what that user may see.

```python
from convenor.threat.entity_sections import EntityItem, EntitySection, register_entity_section

@register_entity_section(order=10)
def groups(user, entity):               # one query, through access.visible
    return EntitySection("groups", "Groups", [EntityItem("Fishergate crew", "/groups/3/",
                         "Principal member")], empty="In no group you may see")
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EntityItem:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class EntitySection:
    key: str
    title: str
    items: list[EntityItem] = field(default_factory=list)
    empty: str = "None you may see"


Provider = Callable[[Any, Any], EntitySection]
_providers: list[tuple[int, Provider]] = []


def register_entity_section(order: int) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        if all(existing is not provider for _, existing in _providers):
            _providers.append((order, provider))
            _providers.sort(key=lambda pair: pair[0])
        return provider

    return register


def sections_for(user: Any, entity: Any) -> list[EntitySection]:
    """Every registered section, in order, each holding only what ``user`` may see."""
    return [provider(user, entity) for _, provider in _providers]
