"""The menu: apps register entries with the roles that see them; core knows no app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MenuItem:
    label: Any
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 100


_MENU: list[MenuItem] = []


def register_menu(label: Any, url_name: str, visible: Callable[[Any], bool], order: int = 100) -> None:
    if any(item.url_name == url_name for item in _MENU):
        return
    _MENU.append(MenuItem(label, url_name, visible, order))
    _MENU.sort(key=lambda item: item.order)


def menu_for(user: Any) -> list[MenuItem]:
    return [item for item in _MENU if item.visible(user)]
