from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "motcua.organizations"
    label = "organizations"
    verbose_name = _("Đơn vị hành chính và cơ quan")
