"""The menu: apps register entries with the roles that see them; core knows no app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .actors import Viewer


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 100
    # For an entry whose address depends on the user (an enterprise's own file): returns the path, or None
    # to leave the entry out.
    url_for: Callable[[Any], str | None] | None = None


_MENU: list[MenuItem] = []


def register_menu(label: Any, url_name: str, visible: Callable[[Any], bool], order: int = 100,
                  url_for: Callable[[Any], str | None] | None = None) -> None:
    if any(item.url_name == url_name for item in _MENU):
        return
    _MENU.append(MenuItem(label, url_name, visible, order, url_for))
    _MENU.sort(key=lambda item: item.order)


def menu_for(user: Viewer) -> list[MenuItem]:
    return [item for item in _MENU if item.visible(user)]
