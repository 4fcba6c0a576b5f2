"""The benchmark's dossier generator makes valid, visible dossiers and keeps codes unique."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from generate_dossiers import generate  # noqa: E402

pytestmark = pytest.mark.django_db


def test_generated_dossiers_are_real_and_codes_stay_unique(new_dossier):
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import visible_dossiers
    from tests.helpers import get_user

    before = Dossier.objects.count()
    generate(300, seed=1)
    assert Dossier.objects.count() == before + 300
    assert Dossier.objects.values("code").distinct().count() == Dossier.objects.count()
    assert visible_dossiers(get_user("halong.lanhdao")).exists()
    # A dossier submitted afterwards takes a code no generated one has.
    fresh = new_dossier()
    assert Dossier.objects.filter(code=fresh.code).count() == 1
