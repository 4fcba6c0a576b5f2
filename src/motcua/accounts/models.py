"""Users (citizens, businesses, officers), their profiles and officer memberships."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.identity import (
    mask_personal_id,
    parse_personal_id,
    validate_personal_id,
    validate_tax_code,
)
from motcua.accounts.roles import Role
from motcua.organizations.models import commune_field

phone_validator = RegexValidator(
    r"^(\+84|0)\d{9,10}$",
    _("Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0 hoặc +84."),
)


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")
    OFFICER = "officer", _("Cán bộ, công chức")


class User(AbstractUser):
    """Every account. Custom from the first migration so later fields need no data shuffle."""

    kind = models.CharField(
        _("loại tài khoản"), max_length=10, choices=AccountKind.choices, default=AccountKind.CITIZEN
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=15, blank=True, validators=[phone_validator]
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        constraints = [
            # Sign-in matches e-mail addresses case-insensitively, so uniqueness must too.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_unique_email_ci"
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="user_unique_phone"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    @property
    def is_officer(self) -> bool:
        return self.kind == AccountKind.OFFICER or self.is_staff

    def active_memberships(self) -> models.QuerySet[OfficerMembership]:
        return OfficerMembership.objects.active().filter(user=self).select_related("agency")


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class CitizenProfile(models.Model):
    """A citizen's identity (công dân), as declared or as given by the national identity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="citizen_profile",
    )
    national_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, unique=True, validators=[validate_personal_id]
    )
    date_of_birth = models.DateField(_("ngày sinh"))
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices, blank=True)
    address = models.CharField(_("địa chỉ thường trú"), max_length=255, blank=True)
    commune = commune_field()
    identity_verified_at = models.DateTimeField(
        _("xác thực định danh quốc gia lúc"),
        null=True,
        blank=True,
        help_text=_("Thời điểm tài khoản được xác thực bằng định danh điện tử quốc gia (VNeID)."),
    )
    national_login_at = models.DateTimeField(
        _("đăng nhập định danh quốc gia gần nhất"),
        null=True,
        blank=True,
        help_text=_("Lần gần nhất công dân đăng nhập bằng định danh điện tử quốc gia."),
    )

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self) -> str:
        return f"{self.user} ({self.masked_id})"

    @property
    def masked_id(self) -> str:
        return mask_personal_id(self.national_id)

    @property
    def is_identity_verified(self) -> bool:
        """Proven by the national identity (indicator 4.5), not merely declared."""
        return self.identity_verified_at is not None

    def clean(self) -> None:
        if self.national_id and self.date_of_birth:
            parsed = parse_personal_id(self.national_id, self.date_of_birth)
            expected = Sex.FEMALE if parsed.is_female else Sex.MALE
            if self.sex and self.sex != expected:
                from django.core.exceptions import ValidationError

                raise ValidationError(
                    {"sex": _("Giới tính không khớp với chữ số thứ 4 của số định danh.")}
                )
            self.sex = expected


class BusinessProfile(models.Model):
    """An enterprise or organisation account (tổ chức, doanh nghiệp)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="business_profile",
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, unique=True, validators=[validate_tax_code]
    )
    name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=255)
    legal_representative = models.CharField(_("người đại diện theo pháp luật"), max_length=150)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=255, blank=True)
    commune = commune_field()

    class Meta:
        verbose_name = _("hồ sơ tổ chức, doanh nghiệp")
        verbose_name_plural = _("hồ sơ tổ chức, doanh nghiệp")

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class MembershipQuerySet(models.QuerySet["OfficerMembership"]):
    def active(self) -> MembershipQuerySet:
        today = timezone.localdate()
        return self.filter(is_active=True, user__is_active=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )


class OfficerMembership(models.Model):
    """An officer holds a role at an agency (user × agency × role)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=120, blank=True)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("vai trò cán bộ tại cơ quan")
        verbose_name_plural = _("vai trò cán bộ tại cơ quan")
        ordering = ["agency", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class ContactVerification(models.Model):
    """A one-time code sent to prove that a new local account owns its e-mail or phone.

    The code itself is never stored, only a keyed hash of it; the rows also serve as the record
    of how many codes went to a destination, which the resend limit counts.
    """

    # SET_NULL: the rows of an abandoned registration, once it is removed, still count towards
    # the sending limit of their destination.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="contact_verifications",
    )
    channel = models.CharField(_("kênh"), max_length=5, choices=VerificationChannel.choices)
    destination = models.CharField(_("địa chỉ nhận"), max_length=254)
    code_hash = models.CharField(_("mã băm"), max_length=128)
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác minh liên lạc")
        verbose_name_plural = _("mã xác minh liên lạc")
        indexes = [models.Index(fields=["destination", "sent_at"], name="verification_dest_sent")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.destination}"
