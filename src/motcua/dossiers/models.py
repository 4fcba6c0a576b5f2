"""The dossier aggregate (hồ sơ): one application for one procedure, its components, and the
append-only history of everything that happened to it.

Every change goes through ``dossiers.services``; models here only hold data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from motcua.accounts.roles import Role
from motcua.catalog.models import Channel
from motcua.organizations.models import commune_field


class Status(models.IntegerChoices):
    """The ten national statuses (DOMAIN §3), with their national codes as values."""

    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWAL = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESOLVED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


CLOSED_STATUSES = frozenset({Status.REFUSED, Status.STOPPED, Status.RETURNED})


class ApplicantType(models.IntegerChoices):
    """LoaiDoiTuong of the national portal."""

    CITIZEN = 0, _("Công dân")
    ENTERPRISE = 1, _("Doanh nghiệp, tổ chức")
    HOUSEHOLD_BUSINESS = 2, _("Hộ kinh doanh")


class IdType(models.TextChoices):
    PERSONAL_ID = "cccd", _("Số định danh cá nhân (CCCD)")
    PASSPORT = "passport", _("Hộ chiếu")
    TAX_CODE = "tax_code", _("Mã số thuế")
    OTHER = "other", _("Giấy tờ khác")


class ResultDelivery(models.TextChoices):
    DESK = "desk", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính")
    ELECTRONIC = "electronic", _("Nhận bản điện tử")


class Dossier(models.Model):
    """Hồ sơ. Three places are kept apart (DOMAIN §1): where it was received (reception point),
    which centre received it, and which agency is competent to resolve it."""

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("thủ tục (phiên bản áp dụng)"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    subcase_code = models.CharField(_("trường hợp"), max_length=60, blank=True)
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    revision = models.PositiveIntegerField(
        _("số lần thay đổi"),
        default=0,
        help_text=_("Tăng mỗi lần hồ sơ thay đổi; phát hiện hai cán bộ cùng thao tác."),
    )

    applicant_type = models.PositiveSmallIntegerField(
        _("loại đối tượng"), choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_name = models.CharField(_("tên người nộp"), max_length=255)
    applicant_id_type = models.CharField(
        _("loại giấy tờ"), max_length=10, choices=IdType.choices, default=IdType.PERSONAL_ID
    )
    applicant_id_number = models.CharField(_("số giấy tờ"), max_length=40, db_index=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    applicant_commune = commune_field()
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    applicant_search = models.CharField(
        _("tên không dấu"), max_length=255, editable=False, db_index=True
    )
    representative_name = models.CharField(_("người được ủy quyền"), max_length=255, blank=True)
    representative_id_number = models.CharField(
        _("số giấy tờ người được ủy quyền"), max_length=40, blank=True
    )
    representative_phone = models.CharField(
        _("điện thoại người được ủy quyền"), max_length=20, blank=True
    )
    summary = models.TextField(_("trích yếu"), blank=True)

    reception_point = models.ForeignKey(
        "organizations.ReceptionPoint",
        verbose_name=_("điểm tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("trung tâm tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        db_index=False,  # led by the composite indexes below
    )
    competent_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan có thẩm quyền"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        db_index=False,  # led by the composite indexes below
    )

    current_step = models.PositiveSmallIntegerField(_("bước hiện tại"), null=True, blank=True)
    current_step_name = models.CharField(_("tên bước hiện tại"), max_length=255, blank=True)
    current_role = models.CharField(
        _("vai trò đang xử lý"), max_length=20, choices=Role.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đang xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    step_due_at = models.DateTimeField(_("hạn của bước hiện tại"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("ngày nộp"))
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("ngày hẹn trả ban đầu"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    refused_at = models.DateTimeField(_("ngày từ chối"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("ngày dừng xử lý"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ngày rút hồ sơ"), null=True, blank=True)
    paused_since = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    # The legal deadline as it stood at reception: later catalog or calendar edits never move
    # the due moment of a dossier already received.
    deadline_value = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    deadline_unit = models.CharField(_("đơn vị thời hạn"), max_length=15, blank=True)
    deadline_cutoff = models.TimeField(_("giờ tiếp nhận cuối ngày"), null=True, blank=True)
    result_state = models.CharField(
        _("tình trạng kết quả"),
        max_length=10,
        choices=[
            ("", _("Chưa có")),
            ("draft", _("Đã trình dự thảo")),
            ("approved", _("Đã phê duyệt")),
        ],
        blank=True,
    )
    resume_status = models.PositiveSmallIntegerField(
        _("trạng thái để trở lại"),
        choices=Status.choices,
        null=True,
        blank=True,
        help_text=_("Trạng thái trước khi yêu cầu nộp phí hoặc yêu cầu rút hồ sơ."),
    )

    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    apologized_at = models.DateTimeField(_("ngày xin lỗi, hẹn lại"), null=True, blank=True)
    apology_reason = models.TextField(_("lý do trễ hạn"), blank=True)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=12,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=255, blank=True)
    register_number = models.PositiveIntegerField(_("số vào sổ"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at"]
        indexes = [
            GinIndex(name="dossier_code_trgm", fields=["code"], opclasses=["gin_trgm_ops"]),
            GinIndex(
                name="dossier_applicant_trgm",
                fields=["applicant_search"],
                opclasses=["gin_trgm_ops"],
            ),
            models.Index(
                fields=["competent_agency", "status", "due_at"],
                include=["submitted_at", "receiving_agency"],
                name="dossier_competent_status",
            ),
            models.Index(
                fields=["receiving_agency", "status", "submitted_at"],
                include=["competent_agency", "due_at"],
                name="dossier_receiving_status",
            ),
            models.Index(fields=["assignee", "status"]),
            # Every dossier of one agency, newest first (the "all" list, walked backwards).
            models.Index(
                fields=["competent_agency", "submitted_at", "id"], name="dossier_competent_time"
            ),
            models.Index(
                fields=["receiving_agency", "submitted_at", "id"],
                include=["competent_agency"],
                name="dossier_receiving_time",
            ),
            # The work queues (dossiers.selectors): open dossiers of one agency in due order,
            # with what the queue conditions read, so that pages and counts are index-only.
            # The condition must stay the very expression of selectors.OPEN.
            *(
                models.Index(
                    fields=[column, "due_at", "submitted_at", "id"],
                    include=["status", "resolved_at", "assignee", other],
                    condition=~Q(status__in=sorted(CLOSED_STATUSES)) & Q(withdrawn_at__isnull=True),
                    name=f"dossier_open_{column.split('_')[0]}",
                )
                for column, other in (
                    ("competent_agency", "receiving_agency"),
                    ("receiving_agency", "competent_agency"),
                )
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(received_at__isnull=False),
                name="dossier_due_after_reception",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES or self.withdrawn_at is not None


class DossierComponent(models.Model):
    """Thành phần hồ sơ as received: a catalog document or a justified extra item."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="components"
    )
    document = models.ForeignKey(
        "catalog.DocumentComponent",
        verbose_name=_("giấy tờ theo danh mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.TextField(_("tên giấy tờ"))
    extra_reason = models.TextField(
        _("lý do nhận thêm"),
        blank=True,
        help_text=_("Bắt buộc với giấy tờ ngoài danh mục đã công bố."),
    )
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    reused = models.BooleanField(_("tái sử dụng"), default=False)
    from_warehouse = models.BooleanField(_("lấy từ kho dữ liệu"), default=False)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ đã nhận")
        verbose_name_plural = _("thành phần hồ sơ đã nhận")
        ordering = ["dossier", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False) | ~Q(extra_reason=""),
                name="component_catalog_or_justified",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DossierEvent(models.Model):
    """One entry of a dossier's history (append-only; the Form 06 control sheet and the
    Form 05 register are views over these)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField(_("số thứ tự"))
    action = models.CharField(_("thao tác"), max_length=40)
    from_status = models.PositiveSmallIntegerField(
        _("từ trạng thái"), choices=Status.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(_("sang trạng thái"), choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=255, blank=True)
    actor_role = models.CharField(_("vai trò"), max_length=20, blank=True)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"))
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Lịch sử hồ sơ chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)


class DossierPause(models.Model):
    """A stretch during which the legal clock stood still (a supplement request)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="pauses"
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("tạm dừng tính thời hạn")
        verbose_name_plural = _("tạm dừng tính thời hạn")
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.started_at} – {self.ended_at or '…'}"


class DossierCodeCounter(models.Model):
    """The per-agency daily sequence behind dossier codes (``<agency>-YYMMDD-XXXX``)."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="code_counter_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class OutboxMessage(models.Model):
    """An external consequence of a dossier change (national-portal sync, notification,
    statistics), written in the same transaction as the change and delivered later by workers
    (transactional outbox: nothing is sent unless the change committed)."""

    topic = models.CharField(_("chủ đề"), max_length=40)
    key = models.CharField(
        _("khóa không trùng lặp"),
        max_length=120,
        unique=True,
        help_text=_("Mã hồ sơ + số thứ tự sự kiện + chủ đề: người nhận bỏ qua bản gửi lại."),
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="outbox", null=True, blank=True
    )
    payload = models.JSONField(_("nội dung"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("tin nhắn chờ gửi")
        verbose_name_plural = _("tin nhắn chờ gửi")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["topic", "id"],
                condition=Q(delivered_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return self.key


def dossier_file_path(instance: DossierFile, filename: str) -> str:
    """``dossiers/<dossier code>/<uuid>.<ext>``: the extension follows the detected content,
    never the name the uploader gave."""
    import uuid

    extension = DossierFile.EXTENSIONS.get(instance.content_type, "bin")
    return f"dossiers/{instance.component.dossier.code}/{uuid.uuid4().hex}.{extension}"


class DossierFile(models.Model):
    """A scanned or uploaded file of a received component (số hóa thành phần hồ sơ), with the
    text recognised from it (OCR) so that scanned paper becomes searchable.

    Created only through ``dossiers.files.attach_file``, which checks the content."""

    class OcrStatus(models.TextChoices):
        PENDING = "pending", _("Chờ nhận dạng")
        DONE = "done", _("Đã nhận dạng")
        FAILED = "failed", _("Nhận dạng lỗi")
        SKIPPED = "skipped", _("Không cần nhận dạng")

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}

    component = models.ForeignKey(
        DossierComponent,
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("tệp"), upload_to=dossier_file_path, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(
        _("loại nội dung"),
        max_length=100,
        choices=[
            (PDF, "PDF"),
            (JPEG, "JPEG"),
            (PNG, "PNG"),
            (DOCX, "Word (DOCX)"),
        ],
    )
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("số trang"), default=1)
    ocr_text = models.TextField(_("nội dung nhận dạng (OCR)"), blank=True)
    ocr_status = models.CharField(
        _("tình trạng nhận dạng"),
        max_length=10,
        choices=OcrStatus.choices,
        default=OcrStatus.PENDING,
        db_index=True,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    # The digital signatures a PDF carried when it was received (documents.verification.
    # validate_uploaded_signatures): signed, valid, signer, signed_at, trusted, revoked,
    # count. Empty for images and Word files.
    signature = models.JSONField(_("chữ ký số trên tệp"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tệp thành phần hồ sơ")
        verbose_name_plural = _("tệp thành phần hồ sơ")
        ordering = ["component", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["component", "sha256"], name="file_unique_per_component"
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def signature_label(self) -> str:
        """One line for the officer: whether the file is signed and whether it checks out."""
        info = self.signature or {}
        if not info.get("signed"):
            return ""
        signer = info.get("signer") or ""
        if not info.get("valid"):
            return str(_("Chữ ký số của %(signer)s không hợp lệ (tệp đã bị sửa)")) % {
                "signer": signer
            }
        if info.get("revoked"):
            return str(_("Ký số bởi %(signer)s — chứng thư số đã bị thu hồi")) % {"signer": signer}
        if info.get("trusted"):
            return str(_("Ký số hợp lệ bởi %(signer)s")) % {"signer": signer}
        return str(_("Ký số bởi %(signer)s — toàn vẹn, chứng thư số chưa được tin cậy")) % {
            "signer": signer
        }


class DossierConsultation(models.Model):
    """Xin ý kiến: the competent agency asks a cooperating agency for its opinion on a dossier
    (inter-agency procedures, DOMAIN §2: each cooperating agency has its own time allotment,
    counted with its own working calendar). Open until the consulted agency answers; the
    dossier cannot go to approval while one is open."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="consultations"
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan được xin ý kiến"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xin ý kiến"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("xin ý kiến lúc"))
    question = models.TextField(_("nội dung xin ý kiến"))
    allotment_days = models.PositiveSmallIntegerField(_("thời gian (ngày làm việc)"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("ý kiến trả lời"), blank=True)

    class Meta:
        verbose_name = _("xin ý kiến cơ quan phối hợp")
        verbose_name_plural = _("xin ý kiến cơ quan phối hợp")
        ordering = ["dossier", "requested_at", "id"]
        indexes = [
            # The consulted agency's officers find the dossiers waiting for their opinion.
            models.Index(
                fields=["agency", "dossier"],
                condition=Q(answered_at__isnull=True),
                name="consultation_open",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(allotment_days__gt=0), name="consultation_positive_allotment"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="consultation_answer_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


def result_file_path(instance: DossierResult, filename: str) -> str:
    """``dossiers/<dossier code>/ket-qua/<uuid>.pdf``: never the uploader's name, which stays
    in ``original_name``."""
    import uuid

    return f"dossiers/{instance.dossier.code}/ket-qua/{uuid.uuid4().hex}.pdf"


class DossierResult(models.Model):
    """Kết quả giải quyết: one result document of a dossier (a birth certificate, a licence…),
    from the specialist's draft through the leader's approval to the records clerk's number.

    Created and changed only by ``dossiers.services`` (submit_draft, approve, return_draft,
    issue_result). A returned draft keeps its row and the leader's note: history is never
    deleted. The electronic result code ``<dossier code>-KQ<n>`` (DOMAIN §4) and ``sequence``
    are given at issue time, so the codes of a dossier's issued results have no gaps; a draft
    has neither. The stored PDF is the approved content; the copy signed at issue is a new
    file beside it (``signed_file``), never a rewrite of this one: what the applicant
    receives is :attr:`issued_file`."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo chờ phê duyệt")
        APPROVED = "approved", _("Đã phê duyệt, chờ phát hành")
        RETURNED = "returned", _("Dự thảo bị trả lại")
        ISSUED = "issued", _("Đã phát hành")
        REVOKED = "revoked", _("Đã thu hồi")

    # A dossier has at most one result on its way to issue (a draft or an approved one).
    PENDING = (State.DRAFT, State.APPROVED)

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="results"
    )
    sequence = models.PositiveSmallIntegerField(
        _("số thứ tự kết quả"),
        null=True,
        blank=True,
        help_text=_("n trong mã <mã hồ sơ>-KQ<n>; có khi phát hành."),
    )
    # NULL, not "", until issued: many drafts, each code unique (the brief's "codes at issue").
    code = models.CharField(  # noqa: DJ001
        _("mã kết quả điện tử"), max_length=80, unique=True, null=True, blank=True
    )
    kind = models.CharField(_("loại kết quả"), max_length=255)
    procedure_result = models.ForeignKey(
        "catalog.ProcedureResult",
        verbose_name=_("kết quả theo danh mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("tệp kết quả"), upload_to=result_file_path, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại nội dung"), max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("số trang"), default=1)
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dự thảo"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("trình dự thảo lúc"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phát hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    issuing_agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan phát hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(
        _("số văn bản"),
        max_length=60,
        blank=True,
        help_text=_("Số, ký hiệu do văn thư ghi, ví dụ 125/2026/GKS."),
    )
    register_number = models.PositiveIntegerField(
        _("số vào sổ kết quả"),
        null=True,
        blank=True,
        help_text=_("Số thứ tự trong sổ kết quả của cơ quan phát hành, theo năm."),
    )
    register_year = models.PositiveSmallIntegerField(_("năm của sổ kết quả"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True, help_text=_("Lý do trả lại dự thảo…"))
    # The copy signed at issue (PAdES, documents.signing) beside the approved PDF above; empty
    # for a paper result of an agency without a signing certificate.
    signed_file = models.FileField(
        _("tệp kết quả đã ký số"), upload_to=result_file_path, max_length=255, blank=True
    )
    signed_sha256 = models.CharField(_("mã băm SHA-256 của bản ký số"), max_length=64, blank=True)
    signed_size = models.PositiveBigIntegerField(_("dung lượng bản ký số"), null=True, blank=True)
    signed_at = models.DateTimeField(_("ký số lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("kết quả giải quyết")
        verbose_name_plural = _("kết quả giải quyết")
        ordering = ["dossier", "drafted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="result_unique_sequence"),
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(state__in=["draft", "approved"]),
                name="result_one_pending",
            ),
            # One line of the agency's yearly register, one document number (any letter case).
            models.UniqueConstraint(
                fields=["issuing_agency", "register_year", "register_number"],
                name="result_unique_register_line",
            ),
            models.UniqueConstraint(
                Upper("number"),
                "issuing_agency",
                "register_year",
                condition=Q(state__in=["issued", "revoked"]),
                name="result_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["issued", "revoked"])
                | (Q(code__isnull=True) & Q(sequence__isnull=True)),
                name="result_code_at_issue",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["issued", "revoked"])
                | (
                    Q(code__isnull=False)
                    & Q(sequence__isnull=False)
                    & Q(issued_at__isnull=False)
                    & Q(register_number__isnull=False)
                ),
                name="result_issued_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"{self.kind} ({self.get_state_display()})"

    @property
    def is_issued(self) -> bool:
        return self.state in (self.State.ISSUED, self.State.REVOKED)

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_file)

    @property
    def issued_file(self) -> Any:
        """What the applicant receives: the signed copy when there is one."""
        return self.signed_file if self.signed_file else self.file

    @property
    def issued_sha256(self) -> str:
        return self.signed_sha256 or self.sha256

    @property
    def issued_size(self) -> int:
        return self.signed_size or self.size


class ResultRegisterCounter(models.Model):
    """The per-agency yearly sequence of the result register (sổ đăng ký kết quả): the
    records clerk's ``register_number``, taken like dossier codes by one atomic upsert."""

    agency = models.ForeignKey("organizations.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm sổ kết quả")
        verbose_name_plural = _("bộ đếm sổ kết quả")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="result_counter_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"
