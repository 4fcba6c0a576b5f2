from django.urls import path

from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("co-quan/", views.agency_directory, name="agency_directory"),
    path("co-quan/<str:code>/", views.agency_page, name="agency_page"),
]
