from django.urls import path

from motcua.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("co-quan/", views.agency_list, name="agency_list"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency_detail"),
]
