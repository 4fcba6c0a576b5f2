from django.urls import path

from motcua.accounts import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("xac-thuc-hai-lop/", views.otp_verify, name="otp_verify"),
    path("thiet-lap-xac-thuc-hai-lop/", views.otp_setup, name="otp_setup"),
    path("", views.account, name="account"),
]
