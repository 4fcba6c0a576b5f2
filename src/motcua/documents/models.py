"""Signing keys of agencies, the certification authorities we trust, and the register of signed
electronic results (sổ đăng ký kết quả điện tử).

Private keys never live in the database: a key row names where the key is (an encrypted
PKCS#12 file, or a credential of a remote signing service) and keeps the public certificate,
so verification works even on a server that holds no key at all (docs/decisions.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CertificateAuthority(models.Model):
    """A root certification authority whose certificates we trust when verifying.

    The demo installation makes its own ("MotCua Demo Root CA", ``manage.py init_demo_pki``)
    and keeps its encrypted private key in ``MOTCUA_PKI_DIR``; a production installation adds
    the roots of the licensed CAs that issued its agencies' certificates
    (``manage.py add_trust_root``) and holds none of their keys."""

    name = models.CharField(_("tên"), max_length=255)
    certificate_pem = models.TextField(_("chứng thư số (PEM)"))
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    is_demo = models.BooleanField(_("CA thử nghiệm"), default=False)
    key_file = models.CharField(
        _("tệp khóa bí mật"),
        max_length=500,
        blank=True,
        help_text=_("Chỉ có ở CA thử nghiệm: tệp khóa đã mã hóa, trong thư mục MOTCUA_PKI_DIR."),
    )
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    created_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tổ chức chứng thực gốc tin cậy")
        verbose_name_plural = _("tổ chức chứng thực gốc tin cậy")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class AgencySigningKey(models.Model):
    """The certificate an agency signs its electronic results with, and where its key is.

    An agency has at most one **active** key; rotating adds a new row and retires the old
    one (results signed with it stay valid). A key revoked for compromise makes every
    signature it made report "chứng thư số đã bị thu hồi"."""

    class Backend(models.TextChoices):
        PKCS12 = "pkcs12", _("Tệp PKCS#12 trên máy chủ")
        REMOTE = "remote", _("Dịch vụ ký số từ xa")

    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="signing_keys",
    )
    backend = models.CharField(
        _("nơi giữ khóa"), max_length=10, choices=Backend.choices, default=Backend.PKCS12
    )
    certificate_pem = models.TextField(_("chứng thư số (PEM)"))
    chain_pem = models.TextField(_("chứng thư trung gian (PEM)"), blank=True)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    serial_number = models.CharField(_("số hiệu chứng thư"), max_length=64)
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    pkcs12_path = models.CharField(
        _("tệp PKCS#12"),
        max_length=500,
        blank=True,
        help_text=_("Đường dẫn tuyệt đối, hoặc tương đối so với MOTCUA_PKI_DIR."),
    )
    passphrase_env = models.CharField(
        _("biến môi trường chứa mật khẩu"),
        max_length=100,
        blank=True,
        help_text=_("Để trống: dùng MOTCUA_PKI_PASSPHRASE."),
    )
    remote_key_id = models.CharField(_("mã khóa tại dịch vụ ký từ xa"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("chứng thư thử nghiệm"), default=False)
    active = models.BooleanField(_("đang dùng để ký"), default=True)
    created_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)
    retired_at = models.DateTimeField(_("thôi dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)

    class Meta:
        verbose_name = _("khóa ký số của cơ quan")
        verbose_name_plural = _("khóa ký số của cơ quan")
        ordering = ["agency__code", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(active=True), name="one_active_key_per_agency"
            ),
            models.CheckConstraint(
                condition=~Q(backend="pkcs12") | ~Q(pkcs12_path=""),
                name="pkcs12_key_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(backend="remote") | ~Q(remote_key_id=""),
                name="remote_key_has_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} — {self.serial_number}"


class SignedDocument(models.Model):
    """One signed electronic result in the register: what was issued, by which agency, with
    which key, and the SHA-256 of the exact signed file.

    Rows are never deleted: a revoked result (thu hồi) stays here with the date, the reason
    and who revoked it, so that its code still answers on the public verification page
    (DOMAIN §6: revoked results stay findable)."""

    result_code = models.CharField(_("mã kết quả điện tử"), max_length=80, unique=True)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan phát hành"),
        on_delete=models.PROTECT,
        related_name="signed_documents",
    )
    title = models.CharField(_("tên kết quả"), max_length=255, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256 của tệp đã ký"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    signer_name = models.CharField(_("người ký"), max_length=255)
    signed_at = models.DateTimeField(_("ký lúc"))
    signing_key = models.ForeignKey(
        AgencySigningKey,
        verbose_name=_("khóa đã ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    registered_at = models.DateTimeField(_("vào sổ lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kết quả điện tử đã ký")
        verbose_name_plural = _("sổ kết quả điện tử đã ký")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["agency", "-signed_at"], name="signed_doc_agency_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.result_code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
