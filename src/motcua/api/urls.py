"""API v1 and its OpenAPI 3 description (/api/schema/, interactive docs at /api/docs/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from motcua.api.v1 import calendar, procedures

app_name = "api"

urlpatterns = [
    path("v1/procedures", procedures.procedure_list, name="procedure-list"),
    path("v1/procedures/<str:code>", procedures.procedure_retrieve, name="procedure-detail"),
    path("v1/calendar/due-date", calendar.due_date, name="due-date"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
