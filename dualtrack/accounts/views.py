"""Sign-in, sign-out and the user's own account page (API token)."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def _account(request: HttpRequest) -> User:
    """The signed-in account of a page that requires a sign-in (its own API token)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = _account(request)
    token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        token = services.rotate_api_token(user)
    return render(request, "accounts/account.html", {"token": token, "has_token": services.has_api_token(user),
                                                     "expires_at": services.token_expires_at(user)})
