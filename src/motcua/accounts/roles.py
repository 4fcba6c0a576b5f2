"""Officer roles (vai trò) held at an agency through a membership."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception", _("Cán bộ tiếp nhận một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo phòng/đơn vị")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    RECORDS_CLERK = "records_clerk", _("Văn thư")
    CENTRE_DIRECTOR = "centre_director", _("Giám đốc Trung tâm Phục vụ hành chính công")
    CATALOG_MANAGER = "catalog_manager", _("Cán bộ quản lý danh mục thủ tục")
    SYSTEM_ADMIN = "sysadmin", _("Quản trị hệ thống")
    AUDITOR = "auditor", _("Thanh tra, kiểm tra (chỉ xem)")


# Roles that may change anything only read; the back office never offers them an action.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
# Roles that see the officers (memberships) of the agencies in their scope.
STAFF_VIEWER_ROLES = frozenset(
    {Role.UNIT_LEADER, Role.AGENCY_LEADER, Role.CENTRE_DIRECTOR, Role.SYSTEM_ADMIN, Role.AUDITOR}
)
