"""The catalog of administrative procedures (thủ tục hành chính), their versions, where they
are implemented in the province and their internal processes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.accounts.roles import Role


class Level(models.TextChoices):
    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Cơ quan khác")


class OnlineClass(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Chưa trực tuyến")


class ProcedureStatus(models.TextChoices):
    PUBLISHED = "published", _("Đang áp dụng")
    AMENDED = "amended", _("Đã sửa đổi, bổ sung")
    REPEALED = "repealed", _("Đã bãi bỏ")


class Channel(models.TextChoices):
    """Cách thức thực hiện; the national codes are 1, 2, 3 (KenhThucHien)."""

    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


CHANNEL_NATIONAL_CODE = {Channel.DIRECT: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}


class DurationUnit(models.TextChoices):
    HOURS = "hours", _("giờ")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    DAYS = "days", pgettext_lazy("duration unit", "ngày")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    MONTHS = "months", _("tháng")


class ProcedureField(models.Model):
    """Lĩnh vực: the subject area of a procedure."""

    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)
    code = models.CharField(_("mã lĩnh vực"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """One administrative procedure as published in the national catalog (Decree 63/2010 Art. 8).

    Every parsed value sits beside its original text: ``source`` keeps the whole record as it
    was imported and ``parse_status`` says, per field, whether it was parsed fully, partly or
    not at all. Edits go through ``catalog.services`` which writes a new ``ProcedureVersion``.
    """

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    provincial_code = models.CharField(_("mã thủ tục của tỉnh"), max_length=60, blank=True)
    name = models.TextField(_("tên thủ tục"))
    search_name = models.TextField(
        _("tên để tìm kiếm"), editable=False, help_text=_("Tên không dấu, bỏ tiền tố “thủ tục”.")
    )
    field = models.ForeignKey(
        ProcedureField,
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        related_name="procedures",
        null=True,
        blank=True,
    )
    levels = ArrayField(
        models.CharField(max_length=10, choices=Level.choices), verbose_name=_("cấp thực hiện")
    )
    procedure_type = models.CharField(_("loại thủ tục"), max_length=255, blank=True)
    applicants = ArrayField(
        models.CharField(max_length=255), verbose_name=_("đối tượng thực hiện"), default=list
    )
    competent_agency_text = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    implementing_agency_text = models.TextField(_("cơ quan thực hiện"), blank=True)
    authorised_agency_text = models.TextField(_("cơ quan được ủy quyền"), blank=True)
    cooperating_agency_text = models.TextField(_("cơ quan phối hợp"), blank=True)
    reception_address_text = models.TextField(_("địa chỉ tiếp nhận"), blank=True)
    related_procedures_text = models.TextField(_("thủ tục liên quan"), blank=True)
    steps_text = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions_text = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    online_class = models.CharField(
        _("mức độ trực tuyến"), max_length=10, choices=OnlineClass.choices, default=OnlineClass.NONE
    )
    not_online_reason = models.TextField(_("lý do chưa cung cấp trực tuyến"), blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.PUBLISHED,
    )
    decision_number = models.CharField(_("quyết định công bố"), max_length=120, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    repealed_date = models.DateField(_("ngày bãi bỏ"), null=True, blank=True)
    source_url = models.URLField(_("nguồn"), max_length=500, blank=True)
    ministry_slug = models.CharField(_("bộ, ngành (nguồn)"), max_length=80, blank=True)
    source = models.JSONField(_("bản ghi gốc"), default=dict, blank=True)
    parse_status = models.JSONField(_("kết quả phân tích"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("phiên bản hiện hành"), default=0)
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, blank=True)
    imported_hash = models.CharField(
        _("mã băm bản nhập gần nhất"),
        max_length=64,
        blank=True,
        help_text=_("Nội dung lấy từ danh mục quốc gia ở lần nhập gần nhất, để nhận ra thay đổi."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        indexes = [
            GinIndex(
                name="procedure_search_trgm", fields=["search_name"], opclasses=["gin_trgm_ops"]
            ),
            GinIndex(name="procedure_levels", fields=["levels"]),
            models.Index(fields=["field", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def level_labels(self) -> list[str]:
        labels = dict(Level.choices)
        return [str(labels.get(level, level)) for level in self.levels]


class SubCase(models.Model):
    """Trường hợp (MaTruongHop): a variant of a procedure with its own documents, deadline
    and fee."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="subcases"
    )
    code = models.CharField(_("mã trường hợp"), max_length=60)
    name = models.TextField(_("tên trường hợp"))
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "code"], name="subcase_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureChannel(models.Model):
    """A channel (direct / online / postal) with its deadline, fee and same-day cut-off."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="channels"
    )
    subcase = models.ForeignKey(
        SubCase,
        verbose_name=_("trường hợp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="channels",
    )
    channel = models.CharField(_("cách thức"), max_length=10, choices=Channel.choices)
    duration_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    duration_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=15, choices=DurationUnit.choices, blank=True
    )
    duration_text = models.TextField(_("thời hạn (nguyên văn)"), blank=True)
    fee_vnd = models.BigIntegerField(_("phí, lệ phí (đồng)"), null=True, blank=True)
    fee_text = models.TextField(_("phí, lệ phí (nguyên văn)"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    cutoff = models.TimeField(_("giờ tiếp nhận cuối trong ngày"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["procedure", "position"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} — {self.duration_text}"


class DocumentComponent(models.Model):
    """Thành phần hồ sơ: a document the applicant provides, with counts."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="documents"
    )
    subcase = models.ForeignKey(
        SubCase,
        verbose_name=_("trường hợp"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    group_title = models.TextField(_("nhóm giấy tờ"), blank=True)
    name = models.TextField(_("tên giấy tờ"))
    form = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), null=True, blank=True)
    count_text = models.CharField(_("số lượng (nguyên văn)"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "position"]

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.Model):
    """Căn cứ pháp lý."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="legal_bases"
    )
    title = models.TextField(_("tên văn bản"))
    code = models.CharField(_("số, ký hiệu"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["procedure", "position"]

    def __str__(self) -> str:
        return self.code or self.title


class ProcedureResult(models.Model):
    """Kết quả thực hiện, with its result code."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="results"
    )
    name = models.TextField(_("tên kết quả"))
    code = models.CharField(_("mã kết quả"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")
        ordering = ["procedure", "position"]

    def __str__(self) -> str:
        return self.name


class ProcedureVersion(models.Model):
    """An immutable snapshot of a procedure; a dossier points at the version it was received
    under, so later catalog edits never change what applied to it."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    snapshot = models.JSONField(_("nội dung"))
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64)
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class ImplementationRole(models.TextChoices):
    COMPETENT = "competent", _("Cơ quan có thẩm quyền giải quyết")
    RECEIVING = "receiving", _("Nơi tiếp nhận hồ sơ")
    COOPERATING = "cooperating", _("Cơ quan phối hợp")


class ProcedureImplementation(models.Model):
    """Which of our agencies implements a procedure, in which role and at which level."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="implementations",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="procedure_implementations",
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=ImplementationRole.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("cơ quan thực hiện thủ tục")
        verbose_name_plural = _("cơ quan thực hiện thủ tục")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "role"], name="implementation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.agency} ({self.get_role_display()})"


class StepUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    WORKING_DAYS = "working_days", _("ngày làm việc")


class ProcessDefinition(models.Model):
    """Quy trình nội bộ: the ordered steps inside the agency, with a role and an allotment
    each. One per procedure, optionally overridden for one agency."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="processes"
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("áp dụng riêng cho cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="process_definitions",
    )
    name = models.CharField(_("tên quy trình"), max_length=255)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(agency__isnull=True), name="process_one_default"
            ),
            models.UniqueConstraint(fields=["procedure", "agency"], name="process_one_per_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    definition = models.ForeignKey(
        ProcessDefinition,
        verbose_name=_("quy trình"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    allotted_value = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2)
    allotted_unit = models.CharField(_("đơn vị"), max_length=15, choices=StepUnit.choices)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["definition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "position"], name="step_unique_position"),
            models.CheckConstraint(condition=Q(allotted_value__gt=0), name="step_positive_time"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
