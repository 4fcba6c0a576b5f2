"""URL map: public portal at /, back office at /can-bo/, admin at /quan-tri/."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

from motcua.core import views as core_views

# The admin demands a verified second factor, like the back office.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "MotCua — Quản trị hệ thống"
admin.site.site_title = "MotCua"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("tai-khoan/thong-bao/", include("motcua.notifications.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("can-bo/ket-qua/", include("motcua.documents.backoffice_urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("quan-tri/login/", core_views.admin_login_redirect),
    path("quan-tri/", admin.site.urls),
    path("api/", include("motcua.api.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("xac-thuc-ket-qua/", include("motcua.documents.urls")),
    path("", include("motcua.portal.urls")),
]

handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"
