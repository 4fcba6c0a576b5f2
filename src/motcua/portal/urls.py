from django.urls import path

from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("co-quan/", views.agency_directory, name="agency_directory"),
    path("co-quan/<str:code>/", views.agency_page, name="agency_page"),
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", views.procedure_page, name="procedure_page"),
]
