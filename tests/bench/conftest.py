from tests.dossiers.conftest import new_dossier, received_dossier  # noqa: F401
