"""The personal data warehouse: files of my dossiers and my issued results join it by
themselves, I store documents of my own (checked by content), I delete mine and hide the
others, and a new dossier or a supplement reuses what is there (marked reused)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import DossierResult
from motcua.dossiers.services import CONFLICT, DossierError
from motcua.organizations.models import Agency
from motcua.portal import submission as svc
from motcua.portal import tracking, warehouse
from motcua.portal.models import WarehouseDocument, WarehouseKind
from tests.helpers import get_user
from tests.portal.conftest import (
    BIRTH,
    CLERK,
    LEADER,
    SPECIALIST,
    VANDON_CENTRE,
    act,
    at,
    jpeg_bytes,
    own_form_data,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def issue_result(dossier):
    pdf = SimpleUploadedFile("gks.pdf", pdf_bytes(3), content_type="application/pdf")
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 9), result_file=pdf,
                  result_kind="Giấy khai sinh")  # fmt: skip
    dossier = act(dossier, "approve", LEADER, at(3, 10))
    return act(dossier, "issue_result", CLERK, at(3, 11))


def test_my_dossier_files_and_results_join_by_themselves(online_dossier):
    user = get_user("congdan1")
    dossier = online_dossier(processing=True)
    docs = list(warehouse.documents(user))
    assert [(d.kind, d.dossier_id) for d in docs] == [(WarehouseKind.DOSSIER_FILE, dossier.pk)]
    assert docs[0].title == dossier.components.first().name[:255]
    assert not warehouse.documents(get_user("congdan2")).exists()
    dossier = issue_result(dossier)
    result = dossier.results.get()
    docs = list(warehouse.documents(user, kind=WarehouseKind.RESULT))
    assert [(d.source_result_id, d.title) for d in docs] == [(result.pk, "Giấy khai sinh")]
    # Reading again adds nothing.
    assert warehouse.sync(user) == 0
    assert warehouse.documents(user).count() == 2


def test_a_reused_file_is_not_listed_twice(online_dossier):
    user = get_user("congdan1")
    online_dossier()
    first = warehouse.documents(user).get()
    draft = svc.start_draft(
        user, svc.online_procedure(BIRTH), Agency.objects.get(code=VANDON_CENTRE)
    )
    draft = svc.save_form(draft, own_form_data(user))
    documents = svc.documents_of(draft.procedure)
    picked = svc.add_from_warehouse(draft, f"doc-{documents[0].pk}", first.pk, user)
    assert picked.from_warehouse and picked.warehouse_document == first and not picked.file
    draft.refresh_from_db()
    new = svc.submit_draft(draft.pk, user, str(draft.token)).dossier
    component = new.components.get()
    assert component.reused and component.from_warehouse and component.digitized
    copy = component.files.get()
    assert copy.sha256 == first.sha256 and copy.file.name.startswith(f"dossiers/{new.code}/")
    assert list(warehouse.documents(user)) == [first]


def test_a_personal_document_is_checked_by_content(media):
    user = get_user("congdan1")
    with pytest.raises(DossierError, match="Định dạng tệp không được chấp nhận"):
        warehouse.store_personal(user, upload(b"plain text", "cccd.pdf"), "Căn cước")
    with pytest.raises(DossierError, match="Hãy ghi tên giấy tờ"):
        warehouse.store_personal(user, upload(pdf_bytes(), "cccd.pdf"), "   ")
    document = warehouse.store_personal(user, upload(jpeg_bytes(), "cccd.jpg"), " Căn  cước ")
    assert (document.kind, document.title, document.content_type) == (
        WarehouseKind.PERSONAL,
        "Căn cước",
        "image/jpeg",
    )
    assert document.file.name.startswith(f"warehouse/{user.pk}/") and document.file.name.endswith(
        ".jpg"
    )
    with pytest.raises(DossierError) as twice:
        warehouse.store_personal(user, upload(jpeg_bytes(), "again.jpg"), "Lại")
    assert twice.value.kind == CONFLICT


def test_deleting_mine_removes_the_content(media, django_capture_on_commit_callbacks):
    user = get_user("congdan1")
    document = warehouse.store_personal(user, upload(pdf_bytes(), "cccd.pdf"), "Căn cước")
    stored = media / document.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        warehouse.delete(user, document.pk)
    document.refresh_from_db()
    assert document.deleted_at and not document.file and not stored.exists()
    assert not warehouse.documents(user).exists()
    assert not warehouse.hidden(user).exists()  # gone, not hidden
    with pytest.raises(DossierError):
        warehouse.restore(user, document.pk)
    # The same content may be stored again.
    assert warehouse.store_personal(user, upload(pdf_bytes(), "cccd.pdf"), "Căn cước").pk


def test_dossier_files_and_results_are_hidden_not_deleted(online_dossier):
    user = get_user("congdan1")
    dossier = issue_result(online_dossier(processing=True))
    for document in warehouse.documents(user):
        warehouse.delete(user, document.pk)
    assert not warehouse.documents(user).exists()
    assert warehouse.sync(user) == 0  # hidden ones never come back by themselves
    assert {d.kind for d in warehouse.hidden(user)} == {"result", "dossier_file"}
    # The dossier keeps its file and its result.
    assert dossier.components.first().files.get().file
    assert dossier.results.get().file
    result_doc = warehouse.hidden(user).get(kind="result")
    warehouse.restore(user, result_doc.pk)
    assert list(warehouse.documents(user)) == [result_doc]


def test_a_revoked_result_is_listed_but_not_reused(online_dossier):
    user = get_user("congdan1")
    dossier = issue_result(online_dossier(processing=True))
    result_doc = warehouse.documents(user, kind="result").get()
    DossierResult.objects.filter(dossier=dossier).update(state=DossierResult.State.REVOKED)
    assert warehouse.documents(user).filter(pk=result_doc.pk).exists()
    assert not warehouse.reusable(user).filter(pk=result_doc.pk).exists()
    assert warehouse.document_of(user, result_doc.pk) is None


def test_a_supplement_answered_from_the_warehouse(online_dossier, media):
    user = get_user("congdan1")
    kept = warehouse.store_personal(user, upload(pdf_bytes(2), "uq.pdf"), "Giấy ủy quyền")
    dossier = act(
        online_dossier(processing=True),
        "request_supplement",
        SPECIALIST,
        at(3, 10),
        note="Thiếu giấy ủy quyền",
        items=["Giấy ủy quyền"],
    )
    with pytest.raises(DossierError, match="kho dữ liệu"):
        tracking.add_supplement_from_warehouse(dossier.code, get_user("congdan2"), 0, kept.pk)
    tracking.add_supplement_from_warehouse(dossier.code, user, 0, kept.pk)
    done = tracking.send_supplement(dossier.code, user, at=at(4, 10))
    component = done.components.get(name="Giấy ủy quyền")
    assert component.reused and component.from_warehouse
    assert component.files.get().sha256 == kept.sha256
    assert done.events.order_by("-seq").first().data["supplied"][0]["from_warehouse"] is True


# --- pages ----------------------------------------------------------------------------------
def test_the_warehouse_page(online_dossier, client, media):
    user = get_user("congdan1")
    client.force_login(user)
    empty = client.get("/kho-du-lieu/")
    assert empty.status_code == 200 and "Kho dữ liệu chưa có giấy tờ nào" in empty.content.decode()
    online_dossier()
    stored = client.post(
        "/kho-du-lieu/", {"title": "Sổ hộ khẩu", "file": upload(pdf_bytes(3), "shk.pdf")}
    )
    assert stored.status_code == 302
    refused = client.post("/kho-du-lieu/", {"title": "Ảnh", "file": upload(b"GIF89a", "a.png")})
    assert refused.status_code == 422 and "Định dạng tệp" in refused.content.decode()
    page = client.get("/kho-du-lieu/")
    titles = [d.title for d in page.context["page"].object_list]
    assert "Sổ hộ khẩu" in titles and len(titles) == 2
    mine = WarehouseDocument.objects.get(title="Sổ hộ khẩu")
    download = client.get(f"/kho-du-lieu/{mine.pk}/tai-ve/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes(3)
    only_mine = client.get("/kho-du-lieu/?loc=tu-luu").context["page"].object_list
    assert [d.title for d in only_mine] == ["Sổ hộ khẩu"]
    # Another citizen sees none of it.
    client.force_login(get_user("congdan2"))
    assert client.get(f"/kho-du-lieu/{mine.pk}/tai-ve/").status_code == 404
    assert client.post(f"/kho-du-lieu/{mine.pk}/xoa/").status_code == 404
    assert client.post(f"/kho-du-lieu/{mine.pk}/hien-lai/").status_code == 404
    assert not client.get("/kho-du-lieu/").context["page"].object_list
    # Back as the owner: delete it.
    client.force_login(user)
    assert client.post(f"/kho-du-lieu/{mine.pk}/xoa/").status_code == 302
    assert client.get(f"/kho-du-lieu/{mine.pk}/tai-ve/").status_code == 404


def test_the_new_dossier_picks_from_the_warehouse_page(online_dossier, client, media):
    user = get_user("congdan1")
    document = warehouse.store_personal(user, upload(pdf_bytes(), "cccd.pdf"), "Căn cước công dân")
    draft = svc.start_draft(
        user, svc.online_procedure(BIRTH), Agency.objects.get(code=VANDON_CENTRE)
    )
    client.force_login(user)
    html = client.get(f"/nop-truc-tuyen/ho-so/{draft.pk}/giay-to/").content.decode()
    assert f'<option value="{document.pk}">Căn cước công dân — cccd.pdf' in html
