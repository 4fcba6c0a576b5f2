"""Who sees which dossier, queues, search and the actions offered to each role."""

import pytest

from motcua.dossiers.selectors import (
    Queue,
    allowed_actions,
    find_dossier,
    queue,
    search,
    visible_dossiers,
)
from motcua.dossiers.transitions import Action
from tests.helpers import get_user

pytestmark = pytest.mark.django_db


def test_scope_and_search(received_dossier):
    dossier = received_dossier()
    halong, vandon = get_user("halong.tiepnhan"), get_user("vandon.tiepnhan")
    assert find_dossier(halong, dossier.code) == dossier
    assert find_dossier(vandon, dossier.code) is None
    assert find_dossier(get_user("thanhtra"), dossier.code) == dossier
    mine = visible_dossiers(halong)
    assert search(mine, "nguyen van an").filter(pk=dossier.pk).exists()
    assert search(mine, dossier.code[-4:]).filter(pk=dossier.pk).exists()
    assert search(mine, "022090001234").filter(pk=dossier.pk).exists()
    assert not search(mine, "Trần Thị Bình").filter(pk=dossier.pk).exists()


def test_queues(new_dossier, received_dossier):
    waiting = new_dossier()
    received = received_dossier()
    leader = get_user("halong.lanhdao")
    qs = visible_dossiers(leader)
    assert waiting in queue(qs, Queue.TO_RECEIVE, leader)
    assert received in queue(qs, Queue.TO_ASSIGN, leader)
    assert received not in queue(qs, Queue.TO_RECEIVE, leader)


def test_actions_offered_follow_role_and_status(new_dossier, received_dossier):
    waiting = new_dossier()
    desk = get_user("halong.tiepnhan")
    assert Action.RECEIVE in allowed_actions(waiting, desk)
    assert Action.ASSIGN not in allowed_actions(waiting, desk)
    received = received_dossier()
    assert Action.ASSIGN in allowed_actions(received, get_user("halong.lanhdao"))
    assert allowed_actions(received, get_user("vandon.lanhdao")) == []
    assert allowed_actions(received, get_user("thanhtra")) == []
