"""The result document of a dossier: the draft PDF, approval or return, the number and the
electronic code given at issue, the result card of the back office and the API."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse
from PIL import Image

from motcua.catalog.models import ProcedureResult
from motcua.dossiers import results
from motcua.dossiers.models import DossierResult, OutboxMessage, ResultRegisterCounter, Status
from motcua.dossiers.services import CONFLICT, INVALID, DossierError, perform
from tests.dossiers.conftest import MONDAY, draft_pdf, pdf_bytes
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

DESK = "halong.tiepnhan"
LEADER = "halong.lanhdao"
SPECIALIST = "halong.chuyenvien"
CLERK = "halong.vanthu"
BIRTH = "1.001193"
YEAR = MONDAY.year


def act(dossier, action, username, **params):
    return perform(dossier.code, action, get_user(username), **params)


@pytest.fixture
def in_work(received_dossier):
    """A received dossier assigned to the specialist (the built-in three steps)."""

    def make(at: dt.datetime = MONDAY):
        dossier = received_dossier(at=at)
        return act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)

    return make


def approved(in_work, **draft):
    dossier = in_work()
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf(**draft))
    return act(dossier, "approve", LEADER)


def png_upload(name: str = "ket-qua.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- the service path -----------------------------------------------------------------------


def test_draft_approval_and_issue_number_the_result(in_work):
    dossier = in_work()
    content = pdf_bytes("Giấy khai sinh Nguyễn Minh Khang")
    upload = SimpleUploadedFile("Dự thảo GKS.pdf", content, content_type="application/pdf")
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=upload, result_kind="")
    result = dossier.results.get()
    # The procedure publishes one result: a blank kind takes it, linked to the catalog row.
    assert result.kind == "Giấy khai sinh"
    assert result.procedure_result == ProcedureResult.objects.get(procedure__code=BIRTH)
    assert (result.state, result.code, result.sequence) == ("draft", None, None)
    assert result.original_name == "Dự thảo GKS.pdf"
    assert result.drafted_by == get_user(SPECIALIST) and result.page_count == 1
    with result.file.open("rb") as handle:
        assert handle.read() == content
    assert result.file.name.endswith(".pdf") and "Dự thảo" not in result.file.name
    event = dossier.events.get(action="submit_draft")
    assert event.data["result_id"] == result.pk and event.data["result_state"] == "draft"
    assert event.data["result_file"] == "Dự thảo GKS.pdf"

    dossier = act(dossier, "approve", LEADER)
    result.refresh_from_db()
    assert (result.state, result.approved_by) == ("approved", get_user(LEADER))
    assert dossier.events.get(action="approve").data["result_id"] == result.pk

    dossier = act(dossier, "issue_result", CLERK, at=MONDAY + dt.timedelta(days=1))
    result.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    assert result.state == "issued" and result.is_issued
    assert (result.sequence, result.code) == (1, f"{dossier.code}-KQ1")
    assert (result.register_number, result.register_year) == (1, YEAR)
    assert result.number == f"1/{YEAR}/H22.6688"  # nothing typed: register/year/agency
    assert result.issuing_agency.code == "H22.6688" and result.issued_by == get_user(CLERK)
    issued = dossier.events.get(action="issue_result").data
    assert issued["result_code"] == result.code and issued["result_number"] == result.number
    assert issued["result_register_number"] == 1
    sync = OutboxMessage.objects.filter(dossier=dossier, topic="national_portal").last().payload
    assert sync["KetQua"] == [
        {"TenGiayTo": "Giấy khai sinh", "MaGiayToKetQua": result.code, "SoKyHieu": result.number}
    ]

    dossier = act(
        dossier, "return_result", DESK, receiver_name="Nguyễn Văn An", receiver_id="022090001234"
    )
    assert dossier.events.get(action="return_result").data["result_codes"] == [result.code]


def test_a_draft_needs_a_pdf_and_a_refusal_changes_nothing(in_work):
    dossier = in_work()
    before = (dossier.revision, dossier.events.count())
    for upload, message in [
        (None, "Đính kèm tệp dự thảo kết quả"),
        (png_upload(), "phải là tệp PDF"),
        (SimpleUploadedFile("gia.pdf", b"not a pdf at all"), "Định dạng tệp không được chấp nhận"),
        (SimpleUploadedFile("hong.pdf", b"%PDF-1.7\nbroken"), "bị hỏng"),
        (SimpleUploadedFile("rong.pdf", b""), "Tệp rỗng"),
    ]:
        with pytest.raises(DossierError) as refused:
            act(dossier, "submit_draft", SPECIALIST, result_file=upload)
        assert refused.value.kind == INVALID and message in refused.value.message
    dossier.refresh_from_db()
    assert (dossier.revision, dossier.events.count()) == before
    assert dossier.result_state == "" and not DossierResult.objects.exists()


def test_the_kind_is_required_when_the_catalog_gives_several_or_none(in_work):
    dossier = in_work()
    procedure = dossier.procedure
    ProcedureResult.objects.create(procedure=procedure, name="Bản sao Giấy khai sinh", position=9)
    with pytest.raises(DossierError, match="Ghi loại kết quả"):
        act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf())
    assert results.result_kinds(dossier) == ["Giấy khai sinh", "Bản sao Giấy khai sinh"]
    with pytest.raises(DossierError, match="dài quá"):
        act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf(), result_kind="x" * 256)
    # A kind outside the catalog is kept as typed, without a catalog link; accents and case
    # do not matter to find the catalog's own.
    dossier = act(
        dossier,
        "submit_draft",
        SPECIALIST,
        result_file=draft_pdf(),
        result_kind="  Văn bản   trả lời từ chối ",
    )
    result = dossier.results.get()
    assert (result.kind, result.procedure_result) == ("Văn bản trả lời từ chối", None)
    assert results._catalog_result(dossier, "ban sao giay KHAI sinh").position == 9


def test_one_draft_at_a_time(in_work):
    dossier = in_work()
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf())
    with pytest.raises(DossierError) as refused:
        act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf())
    assert refused.value.kind == CONFLICT
    assert dossier.results.count() == 1
    # The database says so too, whatever the path.
    pending = dossier.results.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierResult.objects.create(
            dossier=dossier,
            kind="Giấy khai sinh",
            file=pending.file.name,
            original_name="x.pdf",
            size=1,
            sha256="1" * 64,
            drafted_by=get_user(SPECIALIST),
            drafted_at=MONDAY,
        )


def test_a_returned_draft_keeps_its_row_and_the_codes_have_no_gap(in_work):
    dossier = in_work()
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf(title="bản 1"))
    first = dossier.results.get()
    dossier = act(dossier, "return_draft", LEADER, note="Sai ngày sinh của cháu")
    first.refresh_from_db()
    assert (first.state, first.note, first.returned_by) == (
        "returned",
        "Sai ngày sinh của cháu",
        get_user(LEADER),
    )
    assert dossier.result_state == "" and (dossier.current_step, dossier.assignee.username) == (
        1,
        SPECIALIST,
    )
    assert dossier.events.get(action="return_draft").data["result_id"] == first.pk
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf(title="bản 2"))
    dossier = act(dossier, "approve", LEADER)
    dossier = act(dossier, "issue_result", CLERK)
    second = dossier.results.exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert second.code == f"{dossier.code}-KQ1" and first.code is None
    assert [r.state for r in results.of_dossier(dossier)] == ["returned", "issued"]


def test_a_second_result_of_the_dossier_is_kq2(in_work):
    """Codes follow the issued results of the dossier: a later result takes the next n."""
    dossier = approved(in_work)
    dossier = act(dossier, "issue_result", CLERK)
    with transaction.atomic():
        later = results.create_draft(
            dossier, draft_pdf(), "Bản sao Giấy khai sinh", get_user(SPECIALIST), MONDAY
        )
        results.approve(later, get_user(LEADER), MONDAY)
        results.issue(later, dossier, get_user(CLERK), MONDAY, "")
    assert later.code == f"{dossier.code}-KQ2" and later.sequence == 2
    assert later.register_number == 2


def test_the_clerk_types_the_number_and_a_used_one_is_refused(in_work):
    first = approved(in_work)
    first = act(first, "issue_result", CLERK, result_number=" 125/2026/GKS ")
    assert first.results.get().number == "125/2026/GKS"
    second = approved(in_work)
    with pytest.raises(DossierError) as refused:
        act(second, "issue_result", CLERK, result_number="125/2026/gks")
    assert refused.value.kind == INVALID
    assert f"{first.code}-KQ1" in refused.value.message
    # The refused issue took its register number back with it.
    second = act(second, "issue_result", CLERK, result_number="126/2026/GKS")
    assert second.results.get().register_number == 2
    counter = ResultRegisterCounter.objects.get(agency=get_agency("H22.6688"), year=YEAR)
    assert counter.last == 2
    for bad, message in [("x" * 61, "dài quá"), ("12\x00/GKS", "không hợp lệ")]:
        third = approved(in_work)
        with pytest.raises(DossierError, match=message):
            act(third, "issue_result", CLERK, result_number=bad)


def test_the_register_restarts_each_year_per_agency(in_work):
    agency = get_agency("H22.6688")
    assert [results.next_register_number(agency, 2026) for _ in range(3)] == [1, 2, 3]
    assert results.next_register_number(agency, 2027) == 1
    assert results.next_register_number(get_agency("H22.6688.1"), 2026) == 1
    dossier = approved(in_work)
    dossier = act(
        dossier, "issue_result", CLERK, at=dt.datetime(2027, 1, 4, 9, tzinfo=MONDAY.tzinfo)
    )
    assert dossier.results.get().number == "2/2027/H22.6688"


def test_approval_without_a_stored_draft_asks_for_a_new_one(in_work):
    """A draft submitted before results were stored (no row): approve and issue refuse
    clearly; the leader can still return it."""
    dossier = in_work()
    type(dossier).objects.filter(pk=dossier.pk).update(result_state="draft")
    with pytest.raises(DossierError) as refused:
        act(dossier, "approve", LEADER)
    assert refused.value.kind == CONFLICT and "trình lại" in refused.value.message
    dossier = act(dossier, "return_draft", LEADER, note="Trình lại kèm tệp PDF")
    assert dossier.result_state == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_take_distinct_register_numbers(transactional_demo_data):
    agency_id = get_agency("H22.6688").pk
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def take() -> None:
        from motcua.organizations.models import Agency

        try:
            start.wait()
            with transaction.atomic():
                numbers.append(results.next_register_number(Agency.objects.get(pk=agency_id), 2026))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


# --- the back office ------------------------------------------------------------------------


def otp(username: str) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    user = get_user(username)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def page_url(dossier) -> str:
    return reverse("backoffice:dossiers:detail", kwargs={"dossier_code": dossier.code})


def post_action(client: Client, dossier, action: str, **fields):
    dossier.refresh_from_db()
    data = {"action": action, f"{action}-expected_revision": dossier.revision}
    data.update({f"{action}-{key}": value for key, value in fields.items()})
    return client.post(page_url(dossier), data)


def test_the_result_card_from_draft_to_issue(in_work):
    dossier = in_work()
    specialist = otp(SPECIALIST)
    page = specialist.get(page_url(dossier))
    card = next(c for c in page.context["actions"] if c["action"] == "submit_draft")
    assert card["form"].is_multipart() and card["form"]["result_kind"].value() == "Giấy khai sinh"
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and '<option value="Giấy khai sinh">' in html

    response = post_action(specialist, dossier, "submit_draft", result_kind="Giấy khai sinh")
    assert response.status_code == 200
    assert "Đính kèm tệp dự thảo kết quả (PDF)." in response.content.decode()
    response = post_action(
        specialist, dossier, "submit_draft", result_kind="Giấy khai sinh", result_file=png_upload()
    )
    assert response.status_code == 200 and "phải là tệp PDF" in response.content.decode()
    content = pdf_bytes("Dự thảo giấy khai sinh")
    upload = SimpleUploadedFile("du-thao-gks.pdf", content, content_type="application/pdf")
    response = post_action(
        specialist, dossier, "submit_draft", result_kind="Giấy khai sinh", result_file=upload
    )
    assert response.status_code == 302
    result = dossier.results.get()
    download = reverse(
        "backoffice:dossiers:result_file",
        kwargs={"dossier_code": dossier.code, "result_id": result.pk},
    )

    leader = otp(LEADER)
    page = leader.get(page_url(dossier))
    html = page.content.decode()
    assert 'id="ket-qua"' in html and "Dự thảo chờ phê duyệt" in html
    approve = next(c for c in page.context["actions"] if c["action"] == "approve")
    assert approve["result"]["url"] == download  # the leader reads what he approves
    assert f'href="{download}"' in html
    assert "Dự thảo kết quả: Giấy khai sinh (tệp “du-thao-gks.pdf”)" in html  # the timeline
    served = leader.get(download)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == content
    assert post_action(leader, dossier, "approve").status_code == 302

    clerk = otp(CLERK)
    page = clerk.get(page_url(dossier))
    issue = next(c for c in page.context["actions"] if c["action"] == "issue_result")
    assert issue["result"]["r"].pk == result.pk and "result_number" in issue["form"].fields
    response = post_action(clerk, dossier, "issue_result", result_number="125/2026/GKS")
    assert response.status_code == 302
    html = clerk.get(page_url(dossier)).content.decode()
    code = f"{dossier.code}-KQ1"
    assert f"Đã vào số, phát hành kết quả {code} (số 125/2026/GKS, số vào sổ 1)" in html
    assert "Đã phát hành" in html and code in html
    served = clerk.get(download)
    assert f'filename="{code}.pdf"' in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == content


def test_a_returned_draft_shows_the_reason(in_work):
    dossier = in_work()
    act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf())
    response = post_action(otp(LEADER), dossier, "return_draft", note="Sai tên cha")
    assert response.status_code == 302
    html = otp(SPECIALIST).get(page_url(dossier)).content.decode()
    assert "Dự thảo bị trả lại" in html and "Lý do trả lại:</span> Sai tên cha" in html


def test_result_downloads_are_checked_like_the_dossier(in_work):
    dossier = in_work()
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf())
    result = dossier.results.get()
    url = reverse(
        "backoffice:dossiers:result_file",
        kwargs={"dossier_code": dossier.code, "result_id": result.pk},
    )
    assert otp("vandon.tiepnhan").get(url).status_code == 404  # another commune's desk
    assert otp(DESK).get(url).status_code == 200  # the receiving desk sees the dossier
    missing = reverse(
        "backoffice:dossiers:result_file",
        kwargs={"dossier_code": dossier.code, "result_id": result.pk + 1000},
    )
    assert otp(DESK).get(missing).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page
    result.file.delete(save=False)
    assert otp(DESK).get(url).status_code == 404  # a lost file is a 404, never a 500


# --- the API --------------------------------------------------------------------------------

API = "/api/v1/dossiers"


def test_the_api_lists_and_serves_the_results(in_work):
    dossier = in_work()
    specialist = otp(SPECIALIST)
    content = pdf_bytes("Dự thảo qua API")
    response = specialist.post(
        f"{API}/{dossier.code}/actions/submit_draft",
        {
            "result_kind": "Giấy khai sinh",
            "result_file": SimpleUploadedFile("api.pdf", content),
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["result_state"] == "draft"
    listing = specialist.get(f"{API}/{dossier.code}/results")
    assert listing.status_code == 200
    (row,) = listing.json()
    assert (row["code"], row["state"], row["kind"], row["number"]) == (
        None,
        "draft",
        "Giấy khai sinh",
        "",
    )
    assert row["file"]["sha256"] and row["file"]["size"] == len(content)
    assert row["download_url"].endswith(f"/results/{row['id']}/file")
    served = specialist.get(row["download_url"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == content

    leader, clerk = otp(LEADER), otp(CLERK)
    approval = leader.post(f"{API}/{dossier.code}/actions/approve", {}, "application/json")
    assert approval.status_code == 200, approval.content
    response = clerk.post(
        f"{API}/{dossier.code}/actions/issue_result",
        {"result_number": "7/2026/GKS"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    (row,) = clerk.get(f"{API}/{dossier.code}/results").json()
    code = f"{dossier.code}-KQ1"
    assert (row["code"], row["state"], row["number"], row["register_number"]) == (
        code,
        "issued",
        "7/2026/GKS",
        1,
    )
    assert row["issued_at"].endswith("+07:00") and row["issuing_agency"] == "H22.6688"
    assert row["download_url"].endswith(f"/results/{code}/file")
    served = clerk.get(row["download_url"], HTTP_ACCEPT="application/pdf")
    assert b"".join(served.streaming_content) == content
    events = clerk.get(f"{API}/{dossier.code}/events").json()
    assert events[-1]["data"]["result_code"] == code


def test_the_api_refuses_clearly(in_work):
    dossier = in_work()
    specialist = otp(SPECIALIST)
    response = specialist.post(
        f"{API}/{dossier.code}/actions/submit_draft",
        {"result_file": png_upload()},
    )
    assert response.status_code == 422 and "phải là tệp PDF" in response.json()["detail"]
    response = specialist.post(
        f"{API}/{dossier.code}/actions/submit_draft", {}, content_type="application/json"
    )
    assert response.status_code == 422 and "tệp dự thảo" in response.json()["detail"]
    # Unknown result, another agency's dossier: 404 problems, in JSON whatever is accepted.
    missing = specialist.get(
        f"{API}/{dossier.code}/results/{dossier.code}-KQ9/file", HTTP_ACCEPT="application/pdf"
    )
    assert missing.status_code == 404 and missing["Content-Type"].startswith(
        "application/problem+json"
    )
    outsider = otp("vandon.tiepnhan")
    assert outsider.get(f"{API}/{dossier.code}/results").status_code == 404
    assert outsider.get(f"{API}/{dossier.code}/results/1/file").status_code == 404


def test_the_schema_documents_the_results(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    listing = paths["/api/v1/dossiers/{code}/results"]["get"]
    assert listing["operationId"] == "dossiers_results"
    file = paths["/api/v1/dossiers/{code}/results/{result}/file"]["get"]
    assert "application/pdf" in file["responses"]["200"]["content"]
    action = paths["/api/v1/dossiers/{code}/actions/{action}"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in action
    ref = action["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert fields["result_file"]["format"] == "binary"
    assert {"result_kind", "result_number"} <= set(fields)
