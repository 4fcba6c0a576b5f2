"""Pages of the national identity sign-in: start, callback, link, and one clear page per failure."""

from __future__ import annotations

import logging

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts import national_identity, oidc
from motcua.accounts.identity import mask_personal_id
from motcua.accounts.oidc import NationalSignInError, Reason
from motcua.accounts.views import _safe_next
from motcua.core import audit
from motcua.core.models import SecurityEventKind

logger = logging.getLogger(__name__)

BACKEND = "motcua.accounts.backends.IdentifierBackend"

# reason → (HTTP status, title, explanation, may the citizen simply try again?)
_PAGES = {
    Reason.NOT_CONFIGURED: (
        503,
        _("Chưa kết nối định danh quốc gia"),
        _(
            "Cổng chưa được kết nối với hệ thống định danh điện tử quốc gia. Vui lòng đăng nhập "
            "bằng tài khoản của cổng."
        ),
        False,
    ),
    Reason.UNAVAILABLE: (
        503,
        _("Không kết nối được hệ thống định danh quốc gia"),
        _(
            "Hệ thống định danh điện tử quốc gia đang không phản hồi. Vui lòng thử lại sau ít "
            "phút, hoặc đăng nhập bằng tài khoản của cổng."
        ),
        True,
    ),
    Reason.PROVIDER_ERROR: (
        502,
        _("Hệ thống định danh quốc gia báo lỗi"),
        _(
            "Hệ thống định danh điện tử quốc gia không hoàn tất việc đăng nhập. Vui lòng thử lại; "
            "nếu vẫn lỗi, hãy đăng nhập bằng tài khoản của cổng."
        ),
        True,
    ),
    Reason.ACCESS_DENIED: (
        403,
        _("Bạn đã không đồng ý chia sẻ thông tin"),
        _(
            "Đăng nhập đã dừng vì bạn từ chối chia sẻ thông tin định danh với Cổng dịch vụ công. "
            "Cổng cần số định danh, họ tên và ngày sinh để lập hồ sơ thay bạn. Bạn có thể thử "
            "lại, hoặc đăng nhập bằng tài khoản của cổng."
        ),
        True,
    ),
    Reason.BAD_STATE: (
        400,
        _("Phiên đăng nhập không hợp lệ hoặc đã hết hạn"),
        _(
            "Không tìm thấy lượt đăng nhập này trong trình duyệt của bạn (có thể đã quá lâu, hoặc "
            "đường dẫn không do cổng tạo ra). Vui lòng bắt đầu đăng nhập lại từ cổng."
        ),
        True,
    ),
    Reason.NONCE_MISMATCH: (
        502,
        _("Không xác minh được kết quả đăng nhập"),
        _(
            "Kết quả đăng nhập nhận được không khớp với lượt đăng nhập bạn đã bắt đầu, nên cổng "
            "không chấp nhận. Vui lòng đăng nhập lại."
        ),
        True,
    ),
    Reason.BAD_SIGNATURE: (
        502,
        _("Không xác minh được kết quả đăng nhập"),
        _(
            "Chữ ký số trên kết quả đăng nhập không hợp lệ, nên cổng không chấp nhận. Vui lòng "
            "đăng nhập lại; nếu vẫn lỗi, hãy báo cho bộ phận hỗ trợ."
        ),
        True,
    ),
    Reason.INVALID_TOKEN: (
        502,
        _("Không xác minh được kết quả đăng nhập"),
        _(
            "Kết quả đăng nhập nhận được không hợp lệ (sai nơi cấp, sai đối tượng hoặc đã hết "
            "hạn), nên cổng không chấp nhận. Vui lòng đăng nhập lại."
        ),
        True,
    ),
    Reason.BAD_CLAIMS: (
        502,
        _("Thông tin định danh không đầy đủ hoặc không hợp lệ"),
        _(
            "Thông tin định danh nhận được thiếu hoặc không thống nhất (số định danh, họ tên, "
            "ngày sinh), nên cổng không lập được tài khoản. Vui lòng liên hệ bộ phận hỗ trợ."
        ),
        False,
    ),
    Reason.OFFICER: (
        403,
        _("Tài khoản cán bộ không đăng nhập bằng định danh quốc gia"),
        _(
            "Số định danh này thuộc một tài khoản cán bộ, công chức. Cán bộ đăng nhập bằng mật "
            "khẩu và mã xác thực hai lớp."
        ),
        False,
    ),
    Reason.INACTIVE: (
        403,
        _("Tài khoản đã bị khóa"),
        _("Tài khoản gắn với số định danh này đã bị khóa. Vui lòng liên hệ quản trị hệ thống."),
        False,
    ),
    Reason.UNVERIFIED_CONFLICT: (
        409,
        _("Số định danh đã được khai ở một tài khoản khác"),
        _(
            "Một tài khoản đăng ký tại cổng đã khai số định danh này nhưng chưa xác thực. Nếu đó "
            "là tài khoản của bạn, hãy đăng nhập bằng mật khẩu rồi chọn “Liên kết định danh quốc "
            "gia” ở trang Tài khoản. Nếu không phải, vui lòng liên hệ bộ phận hỗ trợ."
        ),
        False,
    ),
    Reason.LINK_MISMATCH: (
        409,
        _("Không liên kết được"),
        _(
            "Số định danh của tài khoản định danh quốc gia khác với số định danh đã khai ở tài "
            "khoản này, nên không thể liên kết."
        ),
        False,
    ),
}


def error_page(request: HttpRequest, error: NationalSignInError) -> HttpResponse:
    status, title, message, retry = _PAGES[error.reason]
    logger.info("national sign-in failed: %s", error)
    audit.record(
        SecurityEventKind.LOGIN_FAILED,
        subject="định danh quốc gia",
        request=request,
        data={"method": national_identity.NATIONAL, "reason": error.reason},
    )
    context = {
        "title": title,
        "message": message,
        "reason": error.reason,
        "retry": retry and oidc.is_enabled(),
    }
    return render(request, "accounts/national_error.html", context, status=status)


@require_GET
def national_start(request: HttpRequest) -> HttpResponse:
    """Send the visitor to the national identity provider."""
    next_url = _safe_next(request, reverse("accounts:account"))
    if request.user.is_authenticated:
        return redirect(next_url)
    try:
        url = oidc.authorization_url(request, next_url=next_url, link_user_id=None)
    except NationalSignInError as error:
        return error_page(request, error)
    return redirect(url)


@login_required
@require_POST
def national_link(request: HttpRequest) -> HttpResponse:
    """A signed-in local account proves its declared ID number with the national identity."""
    try:
        url = oidc.authorization_url(
            request, next_url=reverse("accounts:account"), link_user_id=request.user.pk
        )
    except NationalSignInError as error:
        return error_page(request, error)
    return redirect(url)


@require_GET
def national_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the citizen back here with a code (or an error)."""
    try:
        attempt = oidc.complete(request)
        claims = national_identity.parse_claims(attempt.claims)
        linking_user = None
        if attempt.link_user_id is not None:
            if request.user.pk != attempt.link_user_id:
                # The account that asked to link is no longer the one signed in.
                raise NationalSignInError(Reason.BAD_STATE, "linking user changed")
            linking_user = request.user
        user = national_identity.account_for(claims, linking_user=linking_user)
    except NationalSignInError as error:
        return error_page(request, error)
    request.motcua_auth_method = national_identity.NATIONAL
    request.motcua_auth_acr = attempt.acr
    login(request, user, backend=BACKEND)
    request.session[national_identity.SESSION_METHOD_KEY] = national_identity.NATIONAL
    logger.info("national sign-in of %s", mask_personal_id(claims.national_id))
    return redirect(attempt.next_url or reverse("accounts:account"))
