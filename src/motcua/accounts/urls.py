from django.urls import path

from motcua.accounts import oidc_views, registration_views, views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-lop/", views.otp_verify, name="otp_verify"),
    path("thiet-lap-xac-thuc-hai-lop/", views.otp_setup, name="otp_setup"),
    path("dinh-danh/", oidc_views.national_start, name="national_start"),
    path("dinh-danh/ve/", oidc_views.national_callback, name="national_callback"),
    path("dinh-danh/lien-ket/", oidc_views.national_link, name="national_link"),
    path("dang-ky/", registration_views.register_choice, name="register"),
    path("dang-ky/cong-dan/", registration_views.register_citizen, name="register_citizen"),
    path("dang-ky/doanh-nghiep/", registration_views.register_business, name="register_business"),
    path("dang-ky/xac-minh/", registration_views.register_verify, name="register_verify"),
    path("", views.account, name="account"),
]
