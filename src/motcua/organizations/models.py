"""Administrative units, agencies (a tree per province) and their reception points."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Generation(models.TextChoices):
    """Which division of the country a unit belongs to."""

    CURRENT = "2025", _("Sau sắp xếp 2025 (2 cấp)")
    LEGACY = "legacy", _("Trước 01/07/2025 (3 cấp)")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 2025)")
    COMMUNE = "commune", _("Cấp xã")


class AdministrativeUnit(models.Model):
    """A province, a commune (xã / phường / đặc khu) or a legacy pre-2025 unit.

    Codes are the General Statistics Office codes as shipped by ``vietnam-provinces``; the same
    number can mean different places in the two generations, so a unit is identified by
    (generation, level, code).
    """

    generation = models.CharField(_("thế hệ dữ liệu"), max_length=8, choices=Generation.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    code = models.PositiveIntegerField(_("mã"))
    name = models.CharField(_("tên"), max_length=120)
    division_type = models.CharField(_("loại"), max_length=40)
    codename = models.CharField(_("tên mã"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["generation", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "level", "code"], name="admin_unit_unique_code"
            )
        ]
        indexes = [models.Index(fields=["generation", "level", "parent"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_legacy(self) -> bool:
        return self.generation == Generation.LEGACY


CURRENT_COMMUNES = {"generation": Generation.CURRENT, "level": UnitLevel.COMMUNE}


def commune_field(related_name: str = "+") -> models.ForeignKey:
    """An optional link to a commune of today's division (for addresses and desks)."""
    return models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã/phường/đặc khu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        limit_choices_to=CURRENT_COMMUNES,
    )


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "ubnd_tinh", _("Ủy ban nhân dân tỉnh/thành phố")
    DEPARTMENT = "so", _("Sở, ban, ngành cấp tỉnh")
    PROVINCIAL_CENTRE = "ttpvhcc_tinh", _("Trung tâm Phục vụ hành chính công tỉnh")
    COMMUNE_COMMITTEE = "ubnd_xa", _("Ủy ban nhân dân xã/phường/đặc khu")
    COMMUNE_CENTRE = "ttpvhcc_xa", _("Trung tâm Phục vụ hành chính công xã")
    UNIT = "don_vi", _("Đơn vị trực thuộc")


class AgencyLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


# Decision 20/2020/QĐ-TTg identifiers: dot-separated groups of letters and digits, e.g.
# "H38.12.3" or "000.00.12.H38".
AGENCY_CODE_RE = re.compile(r"^[A-Z0-9]{1,6}(\.[A-Z0-9]{1,6}){0,5}$")


def validate_agency_code(value: str) -> None:
    if not AGENCY_CODE_RE.fullmatch(value):
        raise ValidationError(
            _(
                "Mã định danh điện tử không hợp lệ: dùng các nhóm chữ in hoa và số cách nhau "
                "bằng dấu chấm, ví dụ H38.12.3."
            ),
            code="invalid_agency_code",
        )


class AgencyQuerySet(models.QuerySet["Agency"]):
    def effective_on(self, day: dt.date) -> AgencyQuerySet:
        """Agencies in force on ``day`` (effective_from ≤ day < effective_to)."""
        return self.filter(Q(effective_from__lte=day) | Q(effective_from__isnull=True)).filter(
            Q(effective_to__gt=day) | Q(effective_to__isnull=True)
        )

    def current(self) -> AgencyQuerySet:
        return self.effective_on(timezone.localdate())


class Agency(models.Model):
    """A state agency that receives or resolves dossiers (cơ quan, đơn vị)."""

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        unique=True,
        validators=[validate_agency_code],
        help_text=_("Theo Quyết định 20/2020/QĐ-TTg, ví dụ H38.12.3"),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=AgencyKind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=AgencyLevel.choices)
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh/thành phố"),
        on_delete=models.PROTECT,
        related_name="agencies",
        limit_choices_to={"generation": Generation.CURRENT, "level": UnitLevel.PROVINCE},
    )
    commune = commune_field(related_name="commune_agencies")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(
        _("hết hiệu lực từ"),
        null=True,
        blank=True,
        help_text=_("Ngày đầu tiên cơ quan không còn hoạt động (để trống nếu đang hoạt động)."),
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("Cơ quan tiếp nhận nhiệm vụ khi cơ quan này sáp nhập hoặc giải thể."),
    )
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gt=models.F("effective_from")),
                name="agency_effective_range",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("id")), name="agency_not_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.level == AgencyLevel.COMMUNE and not self.commune_id:
            errors["commune"] = _("Cơ quan cấp xã phải gắn với một xã/phường/đặc khu.")
        if self.commune_id and self.commune.parent_id != self.province_id:
            errors["commune"] = _("Xã/phường/đặc khu không thuộc tỉnh đã chọn.")
        if self.parent_id and self.parent.province_id != self.province_id:
            errors["parent"] = _("Cơ quan cấp trên phải thuộc cùng tỉnh.")
        if self.pk and self.parent_id and self.pk in self.ancestor_ids():
            errors["parent"] = _("Cơ quan cấp trên tạo thành vòng lặp.")
        if self.successor_id and self.successor_id == self.pk:
            errors["successor"] = _("Cơ quan không thể kế thừa chính nó.")
        if self.successor_id and not self.effective_to:
            errors["effective_to"] = _("Cơ quan có cơ quan kế thừa phải có ngày hết hiệu lực.")
        if errors:
            raise ValidationError(errors)

    def ancestor_ids(self) -> list[int]:
        """Ids of the parent chain, nearest first (stops on a cycle)."""
        seen: list[int] = []
        node = self.parent
        while node is not None and node.pk not in seen:
            seen.append(node.pk)
            node = node.parent
        return seen

    def is_effective_on(self, day: dt.date) -> bool:
        starts = self.effective_from is None or self.effective_from <= day
        ends = self.effective_to is None or day < self.effective_to
        return starts and ends

    @property
    def is_active(self) -> bool:
        return self.is_effective_on(timezone.localdate())

    def current_successor(self) -> Agency | None:
        """Follow the successor links to the agency in force today (for merged agencies)."""
        node, seen = self, {self.pk}
        while node.successor_id and not node.is_active:
            node = node.successor
            if node.pk in seen:
                break
            seen.add(node.pk)
        return node if node.pk != self.pk else None


WEEKDAY_NAMES = [
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ Nhật"),
]


def default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class ReceptionPoint(models.Model):
    """A one-stop desk where dossiers are received and results returned (điểm tiếp nhận)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="reception_points"
    )
    name = models.CharField(_("tên điểm tiếp nhận"), max_length=255)
    address = models.CharField(_("địa chỉ"), max_length=255)
    commune = commune_field()
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    weekdays = models.JSONField(
        _("ngày làm việc trong tuần"),
        default=default_weekdays,
        help_text=_("0 = Thứ Hai … 6 = Chủ Nhật"),
    )
    morning_open = models.TimeField(_("sáng mở cửa"), default=dt.time(7, 30))
    morning_close = models.TimeField(_("sáng đóng cửa"), default=dt.time(11, 30))
    afternoon_open = models.TimeField(_("chiều mở cửa"), default=dt.time(13, 30))
    afternoon_close = models.TimeField(_("chiều đóng cửa"), default=dt.time(17, 0))
    saturday_morning = models.BooleanField(
        _("làm việc sáng thứ Bảy"),
        default=False,
        help_text=_("Nhiều trung tâm tiếp nhận sáng thứ Bảy."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("điểm tiếp nhận")
        verbose_name_plural = _("điểm tiếp nhận")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        days = self.weekdays
        if not isinstance(days, list) or not days or any(d not in range(7) for d in days):
            raise ValidationError({"weekdays": _("Chọn ít nhất một ngày, từ 0 (Thứ Hai) đến 6.")})
        if not (
            self.morning_open < self.morning_close <= self.afternoon_open < self.afternoon_close
        ):
            raise ValidationError(
                _("Giờ làm việc phải theo thứ tự: sáng mở < sáng đóng ≤ chiều mở < chiều đóng.")
            )

    def weekday_labels(self) -> list[str]:
        return [str(WEEKDAY_NAMES[d]) for d in sorted(self.weekdays)]
