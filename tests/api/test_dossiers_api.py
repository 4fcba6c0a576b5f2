"""Dossier API v1 for officers: scope, list filters, detail, history, actions and errors."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import Status
from motcua.dossiers.services import Applicant, perform, submit
from tests.dossiers.conftest import (
    MONDAY,
    birth_submission,
    draft_pdf,
    hand_appointment,
    with_draft,
)
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

DESK = "halong.tiepnhan"
LEADER = "halong.lanhdao"
SPECIALIST = "halong.chuyenvien"
CLERK = "halong.vanthu"
PROBLEM = "application/problem+json"
LIST = "/api/v1/dossiers"


def new(at=MONDAY, **changes):
    return submit(birth_submission(**changes), by=get_user(DESK), at=at)


def received(at=MONDAY, **changes):
    dossier = new(at=at, **changes)
    return perform(dossier.code, "receive", get_user(DESK), at=at, **hand_appointment(dossier, at))


def act(dossier, action, username, **params):
    return perform(dossier.code, action, get_user(username), **with_draft(action, params))


def officer(username, *, verified=True):
    """A fresh test client signed in as ``username`` (with the second factor unless told)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    user = get_user(username)
    client.force_login(user)
    if verified:
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


def detail(client, code):
    return client.get(f"{LIST}/{code}")


def post(client, code, action, **body):
    return client.post(f"{LIST}/{code}/actions/{action}", body, content_type="application/json")


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def assert_problem(response, status, *fragments):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    for fragment in fragments:
        assert fragment in body["detail"]
    return body


def allowed(client, code):
    return {a["action"] for a in detail(client, code).json()["allowed_actions"]}


@pytest.fixture
def deadline_in_working_days():
    """Give birth registration a legal deadline (the national extract has none)."""
    from motcua.catalog.models import ProcedureChannel

    def set_days(days):
        ProcedureChannel.objects.filter(procedure__code="1.001193").update(
            duration_value=days, duration_unit="working_days"
        )

    return set_days


# --- scope ---------------------------------------------------------------------------------


def test_officers_see_only_their_agencies_dossiers():
    dossier = received()
    for username in (DESK, LEADER, SPECIALIST, "thanhtra"):
        assert codes(officer(username).get(LIST)) == [dossier.code], username
    body = officer("vandon.tiepnhan").get(LIST).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert codes(officer("vandon.lanhdao").get(LIST, {"q": dossier.code})) == []


def test_a_dossier_outside_the_scope_answers_exactly_like_a_missing_one():
    dossier = received()
    vandon = officer("vandon.lanhdao")
    for code in (dossier.code, "H22.6688.1-260302-9999"):
        assert_problem(detail(vandon, code), 404, code)
        assert_problem(vandon.get(f"{LIST}/{code}/events"), 404, code)
        assert_problem(post(vandon, code, "stop", note="x"), 404, code)
    outside = detail(vandon, dossier.code).json()
    missing = detail(vandon, "X-1").json()
    assert {**outside, "detail": ""} == {**missing, "detail": ""}
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.revision == 1


# --- list ----------------------------------------------------------------------------------


def test_list_item_shape_masks_the_personal_id_and_uses_vietnam_time():
    dossier = new()
    item = officer(DESK).get(LIST).json()["results"][0]
    assert item == {
        "code": dossier.code,
        "status": {"code": 1, "label": "Mới đăng ký"},
        "procedure": {"code": "1.001193", "name": dossier.procedure.name},
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_masked": "022******234",
        "receiving_agency": "H22.6688.1",
        "competent_agency": "H22.6688",
        "submitted_at": "2026-03-02T09:00:00+07:00",
        "received_at": None,
        "due_at": None,
        "assignee": None,
        "current_step_name": "",
        "step_due_at": None,
    }
    assert "022090001234" not in officer(DESK).get(LIST).content.decode()


def test_passport_numbers_are_not_personal_ids():
    applicant = Applicant(name="John Smith", id_number="C1234567", id_type="passport")
    new(applicant=applicant)
    item = officer(DESK).get(LIST).json()["results"][0]
    assert item["applicant_id_masked"] == "C1234567"


def test_filter_by_several_statuses_search_and_queue():
    waiting = new()
    taken = received()
    other = new(applicant=Applicant(name="Trần Thị Bình", id_number="022195004321"))
    perform(other.code, "refuse", get_user(DESK), note="Không thuộc thẩm quyền")
    client = officer(LEADER)
    assert codes(client.get(LIST, {"status": 1})) == [waiting.code]
    assert set(codes(client.get(f"{LIST}?status=2&status=3"))) == {taken.code, other.code}
    assert set(codes(client.get(LIST, {"status": "1,2"}))) == {waiting.code, taken.code}
    assert codes(client.get(LIST, {"q": "tran thi binh"})) == [other.code]
    assert codes(client.get(LIST, {"q": "022195004321"})) == [other.code]
    assert codes(client.get(LIST, {"q": taken.code[-4:]})) == [taken.code]
    assert codes(client.get(LIST, {"queue": "to-receive"})) == [waiting.code]
    assert codes(client.get(LIST, {"queue": "to-assign"})) == [taken.code]
    assert codes(client.get(LIST, {"queue": "to-assign", "status": 1})) == []


def test_filter_by_due_date_in_vietnam_time(deadline_in_working_days):
    deadline_in_working_days(3)
    early = received()  # due Thursday 5 March 17:00
    late = received(at=MONDAY + dt.timedelta(days=7))  # due Thursday 12 March 17:00
    assert early.due_at == dt.datetime(2026, 3, 5, 17, 0, tzinfo=MONDAY.tzinfo)
    unreceived = new()
    client = officer(DESK)
    assert codes(client.get(LIST)) == [early.code, late.code, unreceived.code]
    assert codes(client.get(LIST, {"due_before": "2026-03-06"})) == [early.code]
    assert codes(client.get(LIST, {"due_before": "2026-03-05"})) == []
    assert codes(client.get(LIST, {"due_before": "2026-03-05T17:00"})) == []
    assert codes(client.get(LIST, {"due_before": "2026-03-05T17:01"})) == [early.code]
    assert codes(client.get(LIST, {"due_before": "2026-03-05 17:01"})) == [early.code]
    # 10:01 UTC is 17:01 in Hanoi; an unencoded "+07:00" arrives as " 07:00".
    assert codes(client.get(LIST, {"due_before": "2026-03-05T10:01:00Z"})) == [early.code]
    assert codes(client.get(LIST, {"due_before": "2026-03-05T17:01:00+07:00"})) == [early.code]
    assert codes(client.get(f"{LIST}?due_before=2026-03-05T17:01:00+07:00")) == [early.code]
    assert codes(client.get(LIST, {"due_before": "2026-12-31"})) == [early.code, late.code]
    item = client.get(LIST, {"due_before": "2026-03-06"}).json()["results"][0]
    assert item["due_at"] == "2026-03-05T17:00:00+07:00"
    assert item["received_at"] == "2026-03-02T09:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "11"}, "status"),
        ({"status": "abc"}, "status"),
        ({"due_before": "next week"}, "due_before"),
        ({"due_before": "2026-02-30"}, "due_before"),
        ({"queue": "everything"}, "queue"),
    ],
)
def test_invalid_filters_are_400_problems(params, field):
    body = assert_problem(officer(DESK).get(LIST, params), 400)
    assert field in body["errors"]


def test_pages_in_order_of_due_date_then_submission(deadline_in_working_days):
    deadline_in_working_days(3)
    first = new(at=MONDAY)
    second = new(at=MONDAY + dt.timedelta(hours=1))
    due = received(at=MONDAY + dt.timedelta(hours=2))
    client = officer(DESK)
    page = client.get(LIST, {"page_size": 2}).json()
    assert page["count"] == 3 and page["next"] and page["previous"] is None
    assert [d["code"] for d in page["results"]] == [due.code, first.code]
    page = client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert [d["code"] for d in page["results"]] == [second.code]
    assert page["next"] is None and page["previous"]
    assert_problem(client.get(LIST, {"page": 3, "page_size": 2}), 404)
    assert len(client.get(LIST).json()["results"]) == 3


def test_page_size_is_capped_at_100():
    from motcua.api.v1.dossiers import DossierPagination

    assert (DossierPagination.page_size, DossierPagination.max_page_size) == (20, 100)
    for _ in range(3):
        new()
    assert len(officer(DESK).get(LIST, {"page_size": 1000}).json()["results"]) == 3


def test_list_queries_do_not_grow_with_the_page(django_assert_max_num_queries):
    for _ in range(5):
        received()
    client = officer(LEADER)
    with django_assert_max_num_queries(12):
        assert len(codes(client.get(LIST))) == 5


# --- detail and history ----------------------------------------------------------------------


def test_detail_has_every_documented_field():
    dossier = new()
    body = detail(officer(DESK), dossier.code).json()
    summary_keys = set(officer(DESK).get(LIST).json()["results"][0])
    assert set(body) == summary_keys | {
        "channel",
        "summary",
        "components",
        "deadline",
        "result_state",
        "supplement_count",
        "current_step",
        "consultations",
        "apology",
        "revision",
        "result_delivery",
        "allowed_actions",
    }
    document = dossier.components.get().document
    assert body["components"] == [
        {
            "name": document.name,
            "document_id": document.pk,
            "originals": 1,
            "copies": 0,
            "digitized": True,
            "reused": False,
            "from_warehouse": False,
            "page_count": 0,
            "extra_reason": "",
        }
    ]
    assert body["channel"] == "direct"
    assert body["summary"] == "Đăng ký khai sinh cho cháu Nguyễn Minh Khang"
    assert body["deadline"] == {"value": None, "unit": None}
    assert (body["result_state"], body["supplement_count"], body["revision"]) == ("", 0, 0)
    assert body["apology"] is None
    assert body["result_delivery"] == "desk"
    assert body["applicant_id_masked"] == "022******234"
    assert {"action": "receive", "label": "Tiếp nhận hồ sơ", "needs_note": False} in body[
        "allowed_actions"
    ]
    assert {"action": "refuse", "label": "Từ chối tiếp nhận", "needs_note": True} in body[
        "allowed_actions"
    ]


def test_allowed_actions_follow_role_and_status():
    dossier = new()
    assert allowed(officer(DESK), dossier.code) == {
        "receive",
        "request_supplement_at_reception",
        "refuse",
        "request_withdrawal",
    }
    assert allowed(officer(LEADER), dossier.code) == {"refuse"}
    assert allowed(officer(SPECIALIST), dossier.code) == set()
    dossier = act(dossier, "receive", DESK, at=MONDAY, **hand_appointment(dossier, MONDAY))
    assert "assign" in allowed(officer(LEADER), dossier.code)
    assert "assign" not in allowed(officer(DESK), dossier.code)
    assert allowed(officer(CLERK), dossier.code) == set()
    dossier = act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    specialist = allowed(officer(SPECIALIST), dossier.code)
    assert {"submit_draft", "forward", "request_supplement", "request_consultation"} <= specialist
    assert "answer_consultation" not in specialist
    assert "approve" not in specialist and "assign" not in specialist
    assert allowed(officer(CLERK), dossier.code) == {"issue_result"}
    assert {"approve", "stop", "apologize", "assign"} <= allowed(officer(LEADER), dossier.code)
    assert allowed(officer("thanhtra"), dossier.code) == set()  # the auditor only reads


def test_events_are_the_history_with_masked_ids_and_vietnam_time():
    dossier = received()
    body = officer(LEADER).get(f"{LIST}/{dossier.code}/events").json()
    assert [e["seq"] for e in body] == [1, 2]
    submitted, receipt = body
    assert submitted["action"] == "submit" and submitted["from_status"] is None
    assert submitted["to_status"] == {"code": 1, "label": "Mới đăng ký"}
    assert receipt == {
        "seq": 2,
        "action": "receive",
        "from_status": {"code": 1, "label": "Mới đăng ký"},
        "to_status": {"code": 2, "label": "Được tiếp nhận"},
        "at": "2026-03-02T09:00:00+07:00",
        "actor_name": get_user(DESK).get_full_name(),
        "actor_role": "reception",
        "agency": "H22.6688.1",
        "note": "",
        "data": receipt["data"],
    }
    # Birth registration's deadline has no unit: the desk entered the appointment.
    assert receipt["data"] == {
        "due_at": "2026-03-09T17:00:00+07:00",
        "deadline": None,
        "due_set_by_hand": True,
    }


# --- errors --------------------------------------------------------------------------------


def test_a_role_that_may_not_is_403():
    dossier = new()
    response = post(officer(SPECIALIST), dossier.code, "receive")
    assert_problem(response, 403, "Tiếp nhận hồ sơ")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.revision) == (Status.SUBMITTED, 0)


def test_wrong_status_is_409():
    dossier = new()
    assert_problem(post(officer(DESK), dossier.code, "return_result"), 409, "Mới đăng ký")


def test_stale_revision_is_409_and_the_current_one_passes():
    dossier = received()
    leader = officer(LEADER)
    assignee = get_user(SPECIALIST).pk
    stale = detail(leader, dossier.code).json()["revision"]
    ok = post(leader, dossier.code, "assign", assignee_id=assignee, expected_revision=stale)
    assert ok.status_code == 200 and ok.json()["revision"] == stale + 1
    response = post(leader, dossier.code, "stop", note="Trùng hồ sơ", expected_revision=stale)
    assert_problem(response, 409, "tải lại")
    response = post(leader, dossier.code, "stop", note="Trùng hồ sơ", expected_revision=stale + 1)
    assert response.status_code == 200 and response.json()["status"]["code"] == Status.STOPPED


def test_missing_note_or_items_is_422():
    dossier = new()
    desk = officer(DESK)
    assert_problem(post(desk, dossier.code, "refuse"), 422, "lý do")
    assert_problem(post(desk, dossier.code, "refuse", note="   "), 422, "lý do")
    response = post(desk, dossier.code, "request_supplement_at_reception", note="Thiếu giấy tờ")
    assert_problem(response, 422, "giấy tờ")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.revision) == (Status.SUBMITTED, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": "Giấy chứng sinh"}, "items"),
        ({"amount_vnd": "nhiều"}, "amount_vnd"),
        ({"expected_revision": -1}, "expected_revision"),
        ({"new_due_at": "thứ Sáu"}, "new_due_at"),
        ({"assignee_id": "halong.chuyenvien"}, "assignee_id"),
    ],
)
def test_malformed_body_is_422_with_field_errors(body, field):
    dossier = new()
    response = post(officer(DESK), dossier.code, "request_supplement_at_reception", **body)
    assert field in assert_problem(response, 422)["errors"]


def test_service_refusals_of_parameters_are_422():
    dossier = received()
    leader = officer(LEADER)
    response = post(leader, dossier.code, "assign", assignee_id=get_user(CLERK).pk)
    assert_problem(response, 422, "Chuyên viên xử lý")
    assert_problem(post(leader, dossier.code, "require_payment", amount_vnd=0), 422)


def test_unknown_action_and_unknown_code_are_404():
    dossier = new()
    desk = officer(DESK)
    assert_problem(post(desk, dossier.code, "delete"), 404, "delete")
    assert_problem(post(desk, "H22.6688.1-260302-9999", "receive"), 404, "9999")
    assert_problem(detail(desk, "H22.6688.1-260302-9999"), 404)
    assert_problem(desk.get(f"{LIST}/nothing/events"), 404)


def test_a_session_without_the_second_factor_is_403():
    dossier = new()
    client = officer(DESK, verified=False)
    for response in (
        client.get(LIST),
        detail(client, dossier.code),
        client.get(f"{LIST}/{dossier.code}/events"),
        post(client, dossier.code, "receive"),
    ):
        assert_problem(response, 403, "xác thực hai lớp")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_anonymous_and_citizens_are_refused():
    dossier = new()
    anonymous = Client()
    for response in (
        anonymous.get(LIST),
        detail(anonymous, dossier.code),
        post(anonymous, dossier.code, "receive"),
    ):
        assert response.status_code in (401, 403)
        assert_problem(response, response.status_code, "đăng nhập")
    citizen = Client()
    citizen.force_login(get_user("congdan1"))
    assert_problem(citizen.get(LIST), 403, "cán bộ")
    assert_problem(detail(citizen, dossier.code), 403, "cán bộ")


# --- the whole path ------------------------------------------------------------------------


def test_the_whole_path_through_the_api():
    dossier = new()
    code = dossier.code
    desk, leader, specialist, clerk = (officer(u) for u in (DESK, LEADER, SPECIALIST, CLERK))

    def step(client, action, status, **body):
        response = post(client, code, action, **body)
        assert response.status_code == 200, response.content
        result = response.json()
        assert result["code"] == code and result["status"]["code"] == status
        return result

    assert_problem(post(desk, code, "receive"), 422, "nhập ngày hẹn trả")
    assert_problem(post(desk, code, "receive", due_at="2020-01-01T17:00"), 422, "sau thời điểm")
    appointment = (timezone.localtime() + dt.timedelta(days=10)).replace(
        hour=16, minute=30, second=0, microsecond=0, tzinfo=None
    )
    body = step(desk, "receive", Status.RECEIVED, due_at=appointment.isoformat())
    assert body["due_at"] == appointment.isoformat() + "+07:00"
    body = step(leader, "assign", Status.PROCESSING, assignee_id=get_user(SPECIALIST).pk)
    assert body["assignee"] == SPECIALIST and body["current_step_name"]
    # No allotments (the built-in steps): each step is due at the appointment.
    assert (body["current_step"], body["step_due_at"]) == (1, body["due_at"])
    assert_problem(post(specialist, code, "submit_draft"), 422, "tệp dự thảo")
    response = specialist.post(
        f"{LIST}/{code}/actions/submit_draft",
        {"note": "Đủ điều kiện", "result_kind": "Giấy khai sinh", "result_file": draft_pdf()},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result_state"] == "draft"
    assert (body["current_step"], body["assignee"]) == (2, None)  # the leader's approval step
    assert "submit_draft" in {a["action"] for a in body["allowed_actions"]}  # table only
    assert_problem(post(specialist, code, "submit_draft"), 409, "dự thảo")
    body = step(leader, "approve", Status.PROCESSING, assignee_id=get_user(CLERK).pk)
    assert body["result_state"] == "approved"
    assert (body["current_step"], body["assignee"]) == (3, CLERK)  # the records clerk's step
    body = step(clerk, "issue_result", Status.RESOLVED)
    assert body["assignee"] is None
    assert (body["current_step"], body["step_due_at"], body["current_step_name"]) == (
        None,
        None,
        "",
    )
    assert [a["action"] for a in detail(desk, code).json()["allowed_actions"]] == ["return_result"]
    assert_problem(post(desk, code, "return_result"), 422, "người nhận")
    body = step(
        desk,
        "return_result",
        Status.RETURNED,
        receiver_name="Nguyễn Văn An",
        receiver_id="022090001234",
    )
    assert body["allowed_actions"] == [] and body["revision"] == 6

    events = desk.get(f"{LIST}/{code}/events").json()
    assert [(e["seq"], e["action"], e["actor_role"], e["agency"]) for e in events] == [
        (1, "submit", "", "H22.6688.1"),
        (2, "receive", "reception", "H22.6688.1"),
        (3, "assign", "agency_leader", "H22.6688"),
        (4, "submit_draft", "specialist", "H22.6688"),
        (5, "approve", "agency_leader", "H22.6688"),
        (6, "issue_result", "records_clerk", "H22.6688"),
        (7, "return_result", "reception", "H22.6688.1"),
    ]
    statuses = [
        (e["from_status"] and e["from_status"]["code"], e["to_status"]["code"]) for e in events
    ]
    assert statuses == [(None, 1), (1, 2), (2, 4), (4, 4), (4, 4), (4, 9), (9, 10)]
    assert events[2]["data"]["assignee"] == SPECIALIST
    assert events[3]["note"] == "Đủ điều kiện"
    assert events[6]["data"] == {
        "receiver_name": "Nguyễn Văn An",
        "receiver_id": "022******234",
        "result_codes": [f"{code}-KQ1"],
    }
    assert events[1]["data"]["due_set_by_hand"] is True
    assert events[3]["data"]["left_step"]["step"] == 1
    assert events[3]["data"]["left_step"]["outcome"] == "early"
    assert events[5]["data"]["steps_closed"] is True
    assert all(e["at"].endswith("+07:00") for e in events)


def test_payment_and_apology_parameters(deadline_in_working_days):
    from django.utils import timezone

    deadline_in_working_days(10)
    dossier = received(at=timezone.now())
    leader = officer(LEADER)
    body = post(leader, dossier.code, "require_payment", amount_vnd=50000).json()
    assert body["status"]["code"] == Status.PAYMENT
    assert body["deadline"] == {"value": 10, "unit": "working_days"}
    due = timezone.localtime(dossier.due_at)
    new_due = (due + dt.timedelta(days=3)).replace(tzinfo=None, microsecond=0)
    response = post(
        leader,
        dossier.code,
        "apologize",
        note="Chờ xác minh của công an",
        new_due_at=new_due.isoformat(),  # no offset: Vietnam time
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_at"] == new_due.isoformat() + "+07:00"
    assert body["apology"]["reason"] == "Chờ xác minh của công an"
    assert body["apology"]["original_due_at"] == due.isoformat()
    assert body["apology"]["apologized_at"].endswith("+07:00")
    events = leader.get(f"{LIST}/{dossier.code}/events").json()
    assert events[-2]["data"] == {"amount_vnd": 50000}
    assert events[-1]["data"]["new_due_at"] == new_due.isoformat() + "+07:00"
    assert_problem(
        post(leader, dossier.code, "apologize", note="Lần hai", new_due_at=new_due.isoformat()),
        409,
        "một lần",
    )


# --- OpenAPI -------------------------------------------------------------------------------


def test_schema_documents_the_four_dossier_operations(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    operations = {
        ("/api/v1/dossiers", "get"): "dossiers_list",
        ("/api/v1/dossiers/{code}", "get"): "dossiers_retrieve",
        ("/api/v1/dossiers/{code}/events", "get"): "dossiers_events",
        ("/api/v1/dossiers/{code}/actions/{action}", "post"): "dossiers_action",
    }
    for (path, method), operation_id in operations.items():
        assert paths[path][method]["operationId"] == operation_id
    listing = paths["/api/v1/dossiers"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "status",
        "due_before",
        "q",
        "queue",
        "page",
        "page_size",
    }
    action = paths["/api/v1/dossiers/{code}/actions/{action}"]["post"]
    assert {"403", "404", "409", "422"} <= set(action["responses"])
    assert PROBLEM in action["responses"]["409"]["content"]
    request_body = action["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][request_body.rsplit("/", 1)[1]]["properties"]
    assert {"note", "expected_revision", "assignee_id", "items", "amount_vnd"} <= set(fields)
    dossier = schema["components"]["schemas"]["Dossier"]["properties"]
    assert {"allowed_actions", "components", "apology", "revision"} <= set(dossier)


def test_schema_generates_without_warnings_for_the_dossier_api(tmp_path, capsys):
    from django.core.management import call_command

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate")
    errors = capsys.readouterr().err
    assert "dossiers.py" not in errors and "dossier_" not in errors
