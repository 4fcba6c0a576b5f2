from django.urls import path

from motcua.portal import submission_views as submit
from motcua.portal import views

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
]
