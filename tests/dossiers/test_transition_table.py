"""Walk every (status, action, role) triple: the table decides, and a refusal is clear."""

import datetime as dt

import pytest
from django.db import transaction

from motcua.accounts.models import AccountKind, OfficerMembership, User
from motcua.accounts.roles import Role
from motcua.dossiers.models import Dossier, DossierConsultation, Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, DossierError, perform
from motcua.dossiers.transitions import APPLICANT, TABLE, Action, allowed
from motcua.organizations.models import Agency
from tests.dossiers.conftest import MONDAY, draft_pdf, pending_result
from tests.helpers import get_user

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


CONSULTED = "H22.03"  # Sở Tư pháp, asked for its opinion in the walk


def officer_with(role):
    """A fresh officer holding only ``role``, at the centre, the competent agency and the
    consulted agency."""
    user = User.objects.create_user(
        f"walk.{role}", kind=AccountKind.OFFICER, full_name=f"Thử {role}"
    )
    for code in ("H22.6688.1", "H22.6688", CONSULTED):
        OfficerMembership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
    return user


def prepare(dossier, status, action, actor):
    """Put the dossier in the state where only the table can still say no."""
    fields = {"assignee": actor, "current_step": 2 if action == Action.RETURN_STEP else 1}
    if status != Status.SUBMITTED:
        fields["received_at"] = MONDAY
        fields["due_at"] = MONDAY + dt.timedelta(days=30)
    if action in (Action.APPROVE, Action.RETURN_DRAFT):
        fields["result_state"] = "draft"
    if action == Action.ISSUE_RESULT:
        fields["result_state"] = "approved"
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    if "result_state" in fields:
        pending_result(dossier, fields["result_state"])
    if action == Action.ANSWER_CONSULTATION:
        DossierConsultation.objects.create(
            dossier=dossier,
            agency=Agency.objects.get(code=CONSULTED),
            requested_by=get_user("halong.chuyenvien"),
            requested_at=MONDAY,
            question="Xin ý kiến thử",
            allotment_days=3,
            due_at=MONDAY + dt.timedelta(days=5),
        )


def params(action, dossier):
    specialist = get_user("halong.chuyenvien")
    return {
        # Birth registration's deadline has no unit: the desk enters the appointment.
        Action.RECEIVE: {"due_at": MONDAY + dt.timedelta(days=7), "at": MONDAY},
        Action.REQUEST_CONSULTATION: {
            "consulted_agency": CONSULTED,
            "allotment_days": 2,
            "at": MONDAY,
        },
        Action.ASSIGN: {"assignee_id": specialist.pk},
        Action.SUBMIT_DRAFT: {"result_file": draft_pdf()},
        Action.REQUEST_SUPPLEMENT: {"items": ["Giấy chứng sinh"]},
        Action.REQUEST_SUPPLEMENT_AT_RECEPTION: {"items": ["Giấy chứng sinh"]},
        Action.REQUIRE_PAYMENT: {"amount_vnd": 8000},
        Action.APOLOGIZE: {"new_due_at": MONDAY + dt.timedelta(days=40), "at": MONDAY},
        Action.RETURN_RESULT: {"receiver_name": "Nguyễn Văn An", "receiver_id": "022090001234"},
    }.get(action, {})


def applicant_account():
    """The dossiers' own applicant: a citizen account, acting as ``APPLICANT``."""
    return User.objects.create_user(
        "walk.applicant", kind=AccountKind.CITIZEN, full_name="Người nộp thử"
    )


def test_every_status_action_role_triple(new_dossier):
    applicant = applicant_account()
    base = {status: new_dossier() for status in Status}
    for status, dossier in base.items():
        Dossier.objects.filter(pk=dossier.pk).update(status=status, applicant_user=applicant)
    actors = {role: officer_with(role) for role in Role}
    actors[APPLICANT] = applicant
    outcomes = {"allowed": 0, "forbidden": 0, "conflict": 0}
    for status, dossier in base.items():
        for action in Action:
            for role, actor in actors.items():
                expected = allowed(status, action, role)
                try:
                    with transaction.atomic():
                        prepare(dossier, status, action, actor)
                        perform(
                            dossier.code, action, actor, note="Lý do thử", **params(action, dossier)
                        )
                        raise Rollback
                except Rollback:
                    assert expected, f"{status.label} / {action} / {role} should be refused"
                    outcomes["allowed"] += 1
                except DossierError as error:
                    assert not expected, f"{status.label} / {action} / {role}: {error.message}"
                    if role not in TABLE[action].roles:
                        assert error.kind == FORBIDDEN, (status, action, role, error.message)
                    else:
                        assert error.kind == CONFLICT, (status, action, role, error.message)
                    assert error.message
                    outcomes[error.kind] += 1
    assert sum(outcomes.values()) == len(Status) * len(Action) * (len(Role) + 1)
    assert outcomes["allowed"] > 0 and outcomes["forbidden"] > 0 and outcomes["conflict"] > 0


def test_a_withdrawn_dossier_takes_no_more_actions(received_dossier):
    desk = get_user("halong.tiepnhan")
    dossier = received_dossier()
    dossier = perform(dossier.code, "request_withdrawal", desk, note="Công dân xin rút")
    dossier = perform(dossier.code, "confirm_withdrawal", desk)
    assert dossier.is_closed
    with pytest.raises(DossierError) as refused:
        perform(dossier.code, "confirm_withdrawal", desk)
    assert refused.value.kind == CONFLICT


def test_unknown_action_and_dossier_are_clear_errors(received_dossier):
    dossier = received_dossier()
    with pytest.raises(DossierError, match="Thao tác không tồn tại"):
        perform(dossier.code, "teleport", get_user("halong.tiepnhan"))
    with pytest.raises(DossierError, match="Không tìm thấy hồ sơ"):
        perform("H22-000000-0001", "receive", get_user("halong.tiepnhan"))


def test_the_applicant_acts_only_on_his_own_dossier_and_never_as_an_officer(received_dossier):
    """Only the linked, active, non-officer account acts as the applicant."""
    dossier = received_dossier()
    owner = applicant_account()
    stranger = User.objects.create_user("walk.stranger", kind=AccountKind.CITIZEN)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=owner)
    with pytest.raises(DossierError) as refused:
        perform(dossier.code, "request_withdrawal", stranger, note="Xin rút")
    assert refused.value.kind == FORBIDDEN
    owner.kind = AccountKind.OFFICER
    owner.save()
    with pytest.raises(DossierError) as refused:
        perform(dossier.code, "request_withdrawal", owner, note="Xin rút")
    assert refused.value.kind == FORBIDDEN
    owner.kind, owner.is_active = AccountKind.CITIZEN, False
    owner.save()
    with pytest.raises(DossierError):
        perform(dossier.code, "request_withdrawal", owner, note="Xin rút")
    owner.is_active = True
    owner.save()
    done = perform(dossier.code, "request_withdrawal", owner, note="Xin rút")
    assert done.status == Status.WITHDRAWAL
    event = done.events.order_by("-seq").first()
    assert event.actor_role == APPLICANT and event.agency_id == done.receiving_agency_id
