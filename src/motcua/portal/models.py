"""Online submission on the citizen portal (nộp hồ sơ trực tuyến, Decree 45/2020 Art. 11).

* ``SubmissionDraft`` — an online application for one procedure: the receiving centre, the
  e-form, the files, the delivery choice. While ``dossier`` is empty it is a draft the owner can
  resume ("Hồ sơ đang soạn"); submission creates the dossier (status 1) and keeps the draft as
  the record of the e-form that was sent and of the official receipt time.
* ``DraftFile`` — a file of a draft component: uploaded (checked by content) or taken from the
  applicant's earlier dossiers (the personal data warehouse). Moved into the dossier at
  submission.
* ``InterlinkedGroup`` / ``InterlinkedMember`` — an interlinked procedure group (nhóm thủ tục
  liên thông) defined by catalog managers: one application for a life event, one dossier per
  member procedure at its competent agency.
* ``GroupApplication`` — one citizen's application to a group: shared data entered once, one
  member draft per procedure, one tracking page.
* ``WarehouseDocument`` — the personal data warehouse (kho dữ liệu): documents the user stored,
  files of his dossiers and electronic results issued to him; new dossiers reuse them.
* ``SupplementFile`` — a file uploaded online to answer a supplement request, kept aside until
  the answer is sent.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import ResultDelivery


class AgencyRule(models.TextChoices):
    """How a group member finds its competent agency from the centre the citizen chose."""

    COMMUNE = "commune", _("Cơ quan giải quyết tại xã, phường đã chọn")
    PROVINCE = "province", _("Cơ quan giải quyết cấp tỉnh")
    FIXED = "fixed", _("Cơ quan được chỉ định")


class InterlinkedGroup(models.Model):
    """Nhóm thủ tục liên thông: several procedures at several agencies applied for at once."""

    code = models.SlugField(_("mã nhóm"), max_length=60, unique=True)
    name = models.CharField(_("tên nhóm thủ tục liên thông"), max_length=255)
    description = models.TextField(_("mô tả"), blank=True)
    published_code = models.CharField(
        _("mã thủ tục liên thông đã công bố"),
        max_length=40,
        blank=True,
        help_text=_("Ví dụ 2.000986, nếu danh mục quốc gia công bố thủ tục liên thông này."),
    )
    # [{"key": "ho_ten_tre", "label": "Họ, chữ đệm, tên của trẻ", "type": "text"|"date",
    #   "required": true}, …]: entered once, copied to every member dossier's e-form.
    shared_fields = models.JSONField(_("thông tin dùng chung"), default=list, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
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
        verbose_name = _("nhóm thủ tục liên thông")
        verbose_name_plural = _("nhóm thủ tục liên thông")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InterlinkedMember(models.Model):
    """A procedure of a group. By code, not by key: the group may be defined before the catalog
    is imported, and a re-import keeps codes."""

    group = models.ForeignKey(
        InterlinkedGroup,
        verbose_name=_("nhóm"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    agency_rule = models.CharField(
        _("cơ quan giải quyết"),
        max_length=10,
        choices=AgencyRule.choices,
        default=AgencyRule.COMMUNE,
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan được chỉ định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("thủ tục trong nhóm liên thông")
        verbose_name_plural = _("thủ tục trong nhóm liên thông")
        ordering = ["group", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "procedure_code"], name="interlinked_member_unique"
            ),
            models.CheckConstraint(
                condition=~Q(agency_rule="fixed") | Q(agency__isnull=False),
                name="interlinked_member_fixed_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.procedure_code}"


class GroupApplication(models.Model):
    """One application to an interlinked group: shared data once, one dossier per member."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.CASCADE,
        related_name="group_applications",
    )
    group = models.ForeignKey(
        InterlinkedGroup,
        verbose_name=_("nhóm thủ tục liên thông"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    receiving_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_data = models.JSONField(_("tờ khai"), default=dict, blank=True)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=12,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=255, blank=True)
    token = models.UUIDField(
        _("mã chống nộp trùng"),
        default=uuid.uuid4,
        help_text=_("Đổi mỗi lần bộ hồ sơ thay đổi; trang xem lại gửi kèm khi nộp."),
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    receipt_at = models.DateTimeField(_("thời điểm tiếp nhận chính thức"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bộ hồ sơ liên thông")
        verbose_name_plural = _("bộ hồ sơ liên thông")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.group} ({self.owner_id})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SubmissionDraft(models.Model):
    """An online application for one procedure; a draft until ``dossier`` is set."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.CASCADE,
        related_name="submission_drafts",
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subcase_code = models.CharField(_("trường hợp"), max_length=60, blank=True)
    receiving_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("nơi tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    competent_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    form_data = models.JSONField(_("tờ khai"), default=dict, blank=True)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=12,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=255, blank=True)
    group_application = models.ForeignKey(
        GroupApplication,
        verbose_name=_("bộ hồ sơ liên thông"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    position = models.PositiveSmallIntegerField(_("thứ tự trong bộ"), default=0)
    token = models.UUIDField(
        _("mã chống nộp trùng"),
        default=uuid.uuid4,
        help_text=_("Đổi mỗi lần hồ sơ thay đổi; trang xem lại gửi kèm khi nộp."),
    )
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ đã tạo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="online_application",
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    receipt_at = models.DateTimeField(
        _("thời điểm tiếp nhận chính thức"),
        null=True,
        blank=True,
        help_text=_("Ngoài giờ hành chính: giờ mở cửa của ngày làm việc tiếp theo."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nộp trực tuyến")
        verbose_name_plural = _("hồ sơ nộp trực tuyến")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="draft_owner_recent")]

    def __str__(self) -> str:
        return f"{self.procedure_id} ({self.owner_id})"

    @property
    def is_submitted(self) -> bool:
        return self.dossier_id is not None

    def renew_token(self) -> None:
        """A new submission token: a review page shown before this change can no longer
        submit (the citizen must see what he sends)."""
        self.token = uuid.uuid4()


def draft_file_path(instance: DraftFile, filename: str) -> str:
    """``drafts/<draft id>/<uuid>.<ext>``: the extension follows the detected content."""
    from motcua.dossiers.models import DossierFile

    extension = DossierFile.EXTENSIONS.get(instance.content_type, "bin")
    return f"drafts/{instance.draft_id}/{uuid.uuid4().hex}.{extension}"


class DraftFile(models.Model):
    """A file for one component of a draft: uploaded, or reused from the applicant's earlier
    dossiers (``source_file``: the data warehouse; the content is copied at submission)."""

    draft = models.ForeignKey(
        SubmissionDraft, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="files"
    )
    document = models.ForeignKey(
        "catalog.DocumentComponent",
        verbose_name=_("giấy tờ theo danh mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document_name = models.TextField(_("tên giấy tờ"))
    is_extra = models.BooleanField(_("giấy tờ khác (ngoài danh mục)"), default=False)
    file = models.FileField(_("tệp"), upload_to=draft_file_path, max_length=255, blank=True)
    source_file = models.ForeignKey(
        "dossiers.DossierFile",
        verbose_name=_("tệp trong kho dữ liệu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    warehouse_document = models.ForeignKey(
        "portal.WarehouseDocument",
        verbose_name=_("giấy tờ trong kho dữ liệu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_warehouse = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("số trang"), default=1)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp của hồ sơ đang soạn")
        verbose_name_plural = _("tệp của hồ sơ đang soạn")
        ordering = ["draft", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def slot(self) -> str:
        return slot_key(self.document_id, self.is_extra)


def slot_key(document_id: Any, is_extra: bool = False) -> str:
    """The name of a component slot in forms: ``doc-<id>`` or ``extra``."""
    return "extra" if is_extra else f"doc-{document_id}"


# --- the personal data warehouse and answers to supplement requests ---------------------------
class WarehouseKind(models.TextChoices):
    """Where a document of the warehouse comes from (Decree 45/2020: kho quản lý dữ liệu điện
    tử của tổ chức, cá nhân)."""

    PERSONAL = "personal", _("Giấy tờ tự lưu")
    DOSSIER_FILE = "dossier_file", _("Giấy tờ đã nộp trong hồ sơ")
    RESULT = "result", _("Kết quả giải quyết điện tử")


def warehouse_file_path(instance: WarehouseDocument, filename: str) -> str:
    """``warehouse/<owner id>/<uuid>.<ext>``: the extension follows the detected content."""
    from motcua.dossiers.models import DossierFile

    extension = DossierFile.EXTENSIONS.get(instance.content_type, "bin")
    return f"warehouse/{instance.owner_id}/{uuid.uuid4().hex}.{extension}"


class WarehouseDocument(models.Model):
    """A document in a citizen's or business's personal data warehouse (kho dữ liệu): one he
    stored himself (``file``), a file of one of his dossiers (``source_file``) or an electronic
    result issued to him (``source_result``). The warehouse is the one list a new online
    dossier picks reused documents from.

    Deleting sets ``deleted_at``: a document he stored himself also loses its content; a
    dossier file or an issued result stays in the dossier (a legal record) and is only hidden
    from the warehouse — and never comes back by itself."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ sở hữu"),
        on_delete=models.CASCADE,
        related_name="warehouse_documents",
    )
    kind = models.CharField(_("nguồn"), max_length=15, choices=WarehouseKind.choices)
    title = models.CharField(_("tên giấy tờ"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=warehouse_file_path, max_length=255, blank=True)
    source_file = models.ForeignKey(
        "dossiers.DossierFile",
        verbose_name=_("tệp trong hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source_result = models.ForeignKey(
        "dossiers.DossierResult",
        verbose_name=_("kết quả giải quyết"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ nguồn"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("số trang"), default=1)
    created_at = models.DateTimeField(_("lưu lúc"))
    deleted_at = models.DateTimeField(_("xóa lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu cá nhân")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["owner", "-created_at"],
                condition=Q(deleted_at__isnull=True),
                name="warehouse_owner_recent",
            )
        ]
        constraints = [
            # One copy of a content in a warehouse (a reused file is not listed twice).
            models.UniqueConstraint(
                fields=["owner", "sha256"],
                condition=Q(deleted_at__isnull=True),
                name="warehouse_unique_content",
            ),
            models.UniqueConstraint(
                fields=["owner", "source_file"],
                condition=Q(source_file__isnull=False),
                name="warehouse_unique_source_file",
            ),
            models.UniqueConstraint(
                fields=["owner", "source_result"],
                condition=Q(source_result__isnull=False),
                name="warehouse_unique_source_result",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.kind == WarehouseKind.PERSONAL


def supplement_file_path(instance: SupplementFile, filename: str) -> str:
    from motcua.dossiers.models import DossierFile

    extension = DossierFile.EXTENSIONS.get(instance.content_type, "bin")
    return f"supplements/{instance.dossier_id}/{uuid.uuid4().hex}.{extension}"


class SupplementFile(models.Model):
    """A file the applicant uploaded online for one item of a supplement request, kept aside
    until he sends the answer: then every file enters the dossier in one transaction with the
    "supplement received" event (``portal.tracking.send_supplement``)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    request_seq = models.PositiveIntegerField(_("yêu cầu bổ sung (số thứ tự sự kiện)"))
    item = models.PositiveSmallIntegerField(_("giấy tờ được yêu cầu (thứ tự)"))
    item_name = models.TextField(_("tên giấy tờ được yêu cầu"))
    file = models.FileField(_("tệp"), upload_to=supplement_file_path, max_length=255, blank=True)
    warehouse_document = models.ForeignKey(
        WarehouseDocument,
        verbose_name=_("lấy từ kho dữ liệu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("số trang"), default=1)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp bổ sung đang chuẩn bị")
        verbose_name_plural = _("tệp bổ sung đang chuẩn bị")
        ordering = ["dossier", "item", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
