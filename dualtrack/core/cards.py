"""The cards of 总览 (the morning command picture): apps register a card builder, as they register bulletin
sections and menu items; the portal lays out whatever cards a user's role gets, and knows no app.

A builder gets the user and the data-as-of day and answers a :class:`Card` (or None: nothing for this user).
Every figure says its day; a figure that was not reported is ``missing`` (shown as 未报送 / 数据未到), never 0.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .actors import Viewer

logger = logging.getLogger(__name__)


@dataclass
class Figure:
    """One headline number: ``value`` already formatted for display, or None with ``missing`` saying why."""

    label: str
    value: str | None
    change: str = ""  # "比上日 +2.3个百分点"
    missing: str = ""  # 未报送 / 数据未到, shown instead of a value
    link: str = ""
    tone: str = ""  # "bad" / "good" / "" for the colour of the change
    key: str = ""  # a stable name for tests and the page's data attributes


@dataclass
class Row:
    """One line of a card's list (the five most urgent problems, the counties below target …)."""

    text: str
    link: str = ""
    note: str = ""
    tone: str = ""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # one per row ("" for none): the first cell links there

    @property
    def lines(self) -> list[tuple[str, list[str]]]:
        return [(self.links[i] if i < len(self.links) else "", row) for i, row in enumerate(self.rows)]


@dataclass
class Card:
    key: str
    title: str
    link: str = ""
    day: dt.date | None = None
    figures: list[Figure] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    rows_title: str = ""
    note: str = ""
    chart: dict[str, Any] | None = None  # {"kind": "maps", …} drawn by the page's script
    wide: bool = False
    table: Table | None = None
    # beside the maps on 总览's first screen (what asks something of the reader: notices, 督办), not in the grid below
    first_screen: bool = False


CardBuilder = Callable[[Any, dt.date], "Card | None"]
_CARDS: list[tuple[int, str, CardBuilder]] = []
_FIRST_SCREEN: set[str] = set()


def register_card(order: int, name: str, builder: CardBuilder, *, first_screen: bool = False) -> None:
    """Add a card to 总览 (``order``: lower first). Registering the same name again does nothing. ``first_screen``:
    the card says what needs the reader (notices, problems escalated to them): 总览 shows it beside the maps, in the
    first screen, rather than in the grid below."""
    if any(existing == name for _o, existing, _b in _CARDS):
        return
    _CARDS.append((order, name, builder))
    _CARDS.sort(key=lambda item: item[0])
    if first_screen:
        _FIRST_SCREEN.add(name)


def cards_for(user: Viewer, day: dt.date) -> list[Card]:
    """The user's cards for ``day``. A card that fails is left out and logged: the rest of the picture shows."""
    cards = []
    for _order, name, builder in _CARDS:
        try:
            card = builder(user, day)
        except Exception:  # noqa: BLE001 - one card's failure must not take the morning picture down
            logger.exception("card %s failed", name)
            continue
        if card is not None:
            card.first_screen = card.first_screen or name in _FIRST_SCREEN
            cards.append(card)
    return cards


def pending_card(key: str, title: str, link: str, answer: Any) -> Card:
    """A card whose stored result is being computed (``core.judgements.Pending``): it says so instead of a figure,
    and the page asks again."""
    from django.utils.translation import gettext as _

    failed = bool(getattr(answer, "failed", False))
    period = getattr(getattr(answer, "period", None), "key", "")
    return Card(key, title, link=link, figures=[Figure(
        _("研判结果"), None, missing=_("计算失败") if failed else _("计算中"), link=link, key=f"{key}_pending")],
        note=(_("%(period)s 的结果正在计算，稍后刷新即可看到") % {"period": period}) if not failed else "")


def registered() -> list[str]:
    return [name for _order, name, _builder in _CARDS]


def notices_card(user: Viewer, day: dt.date) -> Card | None:
    """Everyone's unread notices that need them (the bell's count), the five latest."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .dates import SHANGHAI
    from .notifications import needs_reader

    unread = needs_reader(user)  # what the bell counts: a leader's digest and escalations, not each automatic event
    count = unread.count()
    rows = [Row(n.text, link=n.link or reverse("notifications"),
                note=n.created_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M"))
            for n in unread.order_by("-created_at")[:5]]
    return Card(key="notices", title=_("消息"), link=reverse("notifications"), figures=[
        Figure(_("未读消息"), f"{count:,}", key="unread", link=reverse("notifications"))], rows=rows,
        rows_title=_("最新未读") if rows else "")


# --- the enterprise's page (一企一档): panels registered by the apps in the same way ---------------------------


PanelBuilder = Callable[[Any, Any], "Card | None"]
_PANELS: list[tuple[int, str, PanelBuilder]] = []


def register_panel(order: int, name: str, builder: PanelBuilder) -> None:
    """Add a part to an enterprise's page (一企一档): ``builder(user, enterprise)`` answers a card (often with a
    ``table``) or None when the user may not see that part."""
    if any(existing == name for _o, existing, _b in _PANELS):
        return
    _PANELS.append((order, name, builder))
    _PANELS.sort(key=lambda item: item[0])


def panels_for(user: Viewer, enterprise: Any) -> list[Card]:
    panels = []
    for _order, name, builder in _PANELS:
        try:
            panel = builder(user, enterprise)
        except Exception:  # noqa: BLE001 - one part's failure must not take the page down
            logger.exception("enterprise panel %s failed", name)
            continue
        if panel is not None:
            panels.append(panel)
    return panels
