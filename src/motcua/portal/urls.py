from django.urls import path

from motcua.portal import lookup_views, tracking_views, views, warehouse_views
from motcua.portal import submission_views as submit

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("co-quan/", views.agency_directory, name="agency_directory"),
    path("co-quan/<str:code>/", views.agency_page, name="agency_page"),
    path("thu-tuc/", views.procedure_search, name="procedure_search"),
    path("thu-tuc/<str:code>/", views.procedure_page, name="procedure_page"),
    # Online submission. The fixed paths come before ``<step>/``, which would match them too.
    path("nop-truc-tuyen/", submit.my_applications, name="submit_home"),
    path("nop-truc-tuyen/thu-tuc/<str:code>/", submit.start, name="submit_start"),
    path("nop-truc-tuyen/ho-so/<uuid:draft_id>/da-nop/", submit.done, name="submit_done"),
    path("nop-truc-tuyen/ho-so/<uuid:draft_id>/xoa/", submit.delete, name="submit_delete"),
    path(
        "nop-truc-tuyen/ho-so/<uuid:draft_id>/<slug:step>/",
        submit.draft_step,
        name="submit_step",
    ),
    path("nop-truc-tuyen/lien-thong/", submit.group_list, name="group_list"),
    path("nop-truc-tuyen/lien-thong/<slug:code>/", submit.group_start, name="group_start"),
    path(
        "nop-truc-tuyen/bo-ho-so/<uuid:application_id>/theo-doi/",
        submit.group_track,
        name="group_track",
    ),
    path(
        "nop-truc-tuyen/bo-ho-so/<uuid:application_id>/xoa/",
        submit.group_delete,
        name="group_delete",
    ),
    path(
        "nop-truc-tuyen/bo-ho-so/<uuid:application_id>/<slug:step>/",
        submit.group_step,
        name="group_step",
    ),
    # Following a dossier: my dossiers, the public lookup, the personal data warehouse.
    path("ho-so-cua-toi/", tracking_views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", tracking_views.dossier_detail, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", tracking_views.supplement, name="my_supplement"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", tracking_views.withdraw, name="my_withdraw"),
    path("ho-so-cua-toi/<str:code>/giay-tiep-nhan.pdf", tracking_views.receipt, name="my_receipt"),
    path(
        "ho-so-cua-toi/<str:code>/tep/<int:file_id>/",
        tracking_views.download_file,
        name="my_file",
    ),
    path(
        "ho-so-cua-toi/<str:code>/ket-qua/<str:result_code>/",
        tracking_views.download_result,
        name="my_result",
    ),
    path("tra-cuu/", lookup_views.lookup_page, name="lookup"),
    path("kho-du-lieu/", warehouse_views.warehouse_page, name="warehouse"),
    path(
        "kho-du-lieu/<int:document_id>/tai-ve/",
        warehouse_views.download,
        name="warehouse_download",
    ),
    path("kho-du-lieu/<int:document_id>/xoa/", warehouse_views.delete, name="warehouse_delete"),
    path(
        "kho-du-lieu/<int:document_id>/hien-lai/",
        warehouse_views.restore,
        name="warehouse_restore",
    ),
]
