"""Officers' pages of the register of signed results (``/can-bo/ket-qua/``)."""

from django.urls import path

from motcua.documents import views

app_name = "documents_backoffice"

urlpatterns = [
    path("", views.result_list, name="list"),
    path("<str:code>/thu-hoi/", views.revoke_page, name="revoke"),
]
