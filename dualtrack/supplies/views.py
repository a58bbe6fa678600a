"""Placeholder pages (replaced by the pages' work)."""

from django.http import HttpResponse


def home(request):  # noqa: ANN001, ANN201
    return HttpResponse("")


stock = queue = apply = request_detail = home
