"""API v1 and its OpenAPI 3 description (/api/schema/, interactive docs at /api/docs/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from motcua.api.v1 import calendar, dossiers, lookup, procedures, results

app_name = "api"

urlpatterns = [
    path("v1/procedures", procedures.procedure_list, name="procedure-list"),
    path("v1/procedures/<str:code>", procedures.procedure_retrieve, name="procedure-detail"),
    path("v1/dossiers", dossiers.dossier_list, name="dossier-list"),
    path("v1/dossiers/<str:code>", dossiers.dossier_retrieve, name="dossier-detail"),
    path("v1/dossiers/<str:code>/events", dossiers.dossier_events, name="dossier-events"),
    path(
        "v1/dossiers/<str:code>/actions/<str:action>",
        dossiers.dossier_action,
        name="dossier-action",
    ),
    path("v1/dossiers/<str:code>/results", dossiers.dossier_results, name="dossier-results"),
    path(
        "v1/dossiers/<str:code>/results/<str:result>/file",
        dossiers.dossier_result_file,
        name="dossier-result-file",
    ),
    path("v1/calendar/due-date", calendar.due_date, name="due-date"),
    path("v1/lookup", lookup.dossier_lookup, name="lookup"),
    path("v1/results/verify", results.verify_file, name="result-verify"),
    path(
        "v1/results/<str:code>/verification",
        results.result_verification,
        name="result-verification",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
