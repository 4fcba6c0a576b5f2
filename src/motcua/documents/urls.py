"""Public verification (``/xac-thuc-ket-qua/``)."""

from django.urls import path

from motcua.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.verify_page, name="verify"),
    path("chung-thu-goc.pem", views.root_certificates, name="root_certificates"),
]
