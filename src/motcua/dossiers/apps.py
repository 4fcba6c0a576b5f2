from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _result_revoked(sender: Any, document: Any, **kwargs: Any) -> None:
    from motcua.dossiers.results import mark_revoked

    mark_revoked(document.result_code, document.revocation_reason)


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        # The register of signed results (documents) revokes; the dossier's result follows.
        from motcua.documents.services import result_revoked

        result_revoked.connect(_result_revoked, dispatch_uid="dossiers.result_revoked")
