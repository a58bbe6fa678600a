"""总览: the morning command picture of each role, laid out from the cards the apps register
(``core.cards``); the portal knows no app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualtrack.core import dates, versions
from dualtrack.core.cards import cards_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    day: dt.date = dates.requested_day(request, versions.data_day)
    as_of = versions.as_of()
    cards = cards_for(request.user, day)
    charts: list[dict[str, Any]] = [dict(card.chart, key=card.key) for card in cards if card.chart]
    # The first screen (1366 × 768 without scrolling): the day, the maps with their legends and, beside them, what
    # needs the reader (the cards registered ``first_screen``); the other cards below. Without maps: the grid as is.
    picture = [card for card in cards if card.chart and card.chart.get("kind") == "maps"]
    beside = [card for card in cards if picture and card.first_screen and card not in picture]
    rest = [card for card in cards if card not in picture and card not in beside]
    return render(request, "portal/home.html", {"cards": cards, "picture": picture, "beside": beside, "rest": rest,
                                                "day": day, "as_of": as_of, "charts": charts,
                                                "is_as_of": as_of.day == day})
