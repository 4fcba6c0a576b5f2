from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Thông báo cho người nộp hồ sơ")

    def ready(self) -> None:
        # The dossier services write outbox rows; a hook on their events wakes the relay
        # once the change has committed (dossiers/services.py stays unaware of this app).
        from motcua.notifications import signals  # noqa: F401
