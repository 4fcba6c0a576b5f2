"""Who may call the officer parts of the API.

An officer's session is trusted only once it passed the second factor (django-otp), exactly
like the back office pages (``accounts.decorators.officer_required``); the API answers with a
problem instead of a redirect. Citizens' accounts never reach officers' data.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

NOT_SIGNED_IN = "Cần đăng nhập bằng tài khoản cán bộ, công chức để dùng API này."
NOT_AN_OFFICER = "API này chỉ dành cho cán bộ, công chức."
NOT_VERIFIED = (
    "Phiên đăng nhập chưa xác thực hai lớp: hãy nhập mã xác thực (OTP) trên trang đăng nhập "
    "trước khi dùng API."
)


def is_verified(user: Any) -> bool:
    """Whether this session passed the second factor (set by django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


class IsVerifiedOfficer(BasePermission):
    """Signed in, an officer, and verified with a second factor in this session.

    Each refusal raises its own exception so that the problem response says what is missing.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            # 403 rather than 401 while session cookies are the only scheme: a 401 must carry
            # a WWW-Authenticate challenge, which the OAuth2 client credentials will bring.
            raise NotAuthenticated(NOT_SIGNED_IN)
        if not getattr(user, "is_officer", False):
            raise PermissionDenied(NOT_AN_OFFICER)
        if not is_verified(user):
            raise PermissionDenied(NOT_VERIFIED)
        return True
