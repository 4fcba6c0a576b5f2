"""Access checks for officer pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from motcua.accounts.otp import has_confirmed_device


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, an officer, and verified with a second factor in this session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_officer:
            raise PermissionDenied
        if not user.is_verified():
            target = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
            next_url = quote(request.get_full_path(), safe="/")  # keep its own query string
            return redirect(f"{reverse(target)}?next={next_url}")
        return view(request, *args, **kwargs)

    return wrapper
