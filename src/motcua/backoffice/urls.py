from django.urls import include, path

from motcua.backoffice import catalog_views, dossier_views, group_views, views

app_name = "backoffice"

# The procedure catalog (backoffice:catalog:…). Its own namespace, because its pages take a
# procedure code, not the agency code of the pages above (see tests/backoffice).
catalog_patterns = [
    path("", catalog_views.procedure_list, name="list"),
    path("<str:procedure_code>/", catalog_views.procedure_page, name="detail"),
    path("<str:procedure_code>/sua/", catalog_views.procedure_edit, name="edit"),
    path("<str:procedure_code>/bai-bo/", catalog_views.procedure_repeal, name="repeal"),
    path("<str:procedure_code>/khoi-phuc/", catalog_views.procedure_restore, name="restore"),
    path("<str:procedure_code>/lich-su/", catalog_views.procedure_history, name="history"),
    path(
        "<str:procedure_code>/lich-su/<int:number>/",
        catalog_views.procedure_version,
        name="version",
    ),
    path("<str:procedure_code>/quy-trinh/", catalog_views.process_default, name="process"),
    path(
        "<str:procedure_code>/quy-trinh/co-quan/<str:agency_code>/",
        catalog_views.process_agency,
        name="process_agency",
    ),
    path(
        "<str:procedure_code>/quy-trinh/co-quan/<str:agency_code>/xoa/",
        catalog_views.process_agency_delete,
        name="process_agency_delete",
    ),
]

# Dossiers (backoffice:dossiers:…), nested for the same reason: their pages take a dossier code.
# The fixed paths come before ``<dossier_code>/``, which would match them too.
dossier_patterns = [
    path("", dossier_views.dossier_list, name="list"),
    path("tiep-nhan/", dossier_views.reception_search, name="reception"),
    path(
        "tiep-nhan/<str:procedure_code>/",
        dossier_views.reception_form,
        name="reception_form",
    ),
    path("so-theo-doi/", dossier_views.register, name="register"),
    path("<str:dossier_code>/", dossier_views.dossier_detail, name="detail"),
    path("<str:dossier_code>/tep/", dossier_views.upload_files, name="upload"),
    path("<str:dossier_code>/tep/<int:file_id>/", dossier_views.download_file, name="file"),
    path(
        "<str:dossier_code>/ket-qua/<int:result_id>/",
        dossier_views.download_result,
        name="result_file",
    ),
    path("<str:dossier_code>/mau-<str:form>.pdf", dossier_views.print_form, name="print"),
]

# Interlinked procedure groups (backoffice:groups:…), defined by catalog managers.
group_patterns = [
    path("", group_views.group_list, name="list"),
    path("them/", group_views.group_edit, name="add"),
    path("<slug:code>/", group_views.group_edit, name="edit"),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("co-quan/", views.agency_list, name="agency_list"),
    path("co-quan/<str:code>/", views.agency_detail, name="agency_detail"),
    path("danh-muc/", include((catalog_patterns, "catalog"))),
    path("ho-so/", include((dossier_patterns, "dossiers"))),
    path("lien-thong/", include((group_patterns, "groups"))),
]
