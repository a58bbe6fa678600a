from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualtrack.registry import services as registry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"summary": registry.registry_summary(request.user)})
