"""GET /api/v1/calendar/due-date: the legal due moment, or a 400 that says what is wrong."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date"


def test_tet_example(client):
    response = client.get(
        URL, {"start": "2026-02-13T10:00:00+07:00", "value": 5, "unit": "working_days"}
    )
    assert response.status_code == 200
    assert response.json() == {"due_at": "2026-02-27T17:00:00+07:00"}


def test_cutoff_moves_the_receipt_to_the_next_working_day(client):
    before = client.get(
        URL, {"start": "2026-03-02T14:00", "value": 0, "unit": "working_days", "cutoff": "15:00"}
    )
    after = client.get(
        URL, {"start": "2026-03-02T16:00", "value": 0, "unit": "working_days", "cutoff": "15:00"}
    )
    assert before.json()["due_at"] == "2026-03-02T17:00:00+07:00"
    assert after.json()["due_at"] == "2026-03-03T17:00:00+07:00"


def test_agency_calendar_is_used(client):
    response = client.get(
        URL,
        {"start": "2026-02-13T10:00", "value": 5, "unit": "working_days", "agency": "H22.6688.1"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-13T10:00", "value": 5, "unit": "weeks"},
        {"start": "2026-02-13T10:00", "value": -1, "unit": "working_days"},
        {"start": "13/02/2026", "value": 5, "unit": "working_days"},
        {"start": "2026-02-13T10:00", "value": "năm", "unit": "working_days"},
        {"start": "2026-02-13T10:00", "value": 5, "unit": "working_days", "cutoff": "25:99"},
        {"start": "2026-02-13T10:00", "value": 5, "unit": "working_days", "agency": "H99.NOPE"},
        {},
    ],
)
def test_bad_input_is_a_clear_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert len(body["detail"]) > 10
