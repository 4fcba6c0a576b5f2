"""Interlinked procedure groups (nhóm thủ tục liên thông): how catalog managers write the shared
fields, saving a group, and the demo province's first group — birth registration + permanent
residence registration + health insurance card for a child under 6 (the national catalog
publishes it as the interlinked procedure 2.000986; its members are 1.001193 birth
registration, 1.004222 permanent residence registration and 1.001939 health insurance card
for people who only take part in health insurance, which children under 6 are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.core.text import fold
from motcua.portal.models import AgencyRule, InterlinkedGroup, InterlinkedMember

DATE_MARK = "ngay"  # "| ngày" after a label: a date field
OPTIONAL_MARK = "khong bat buoc"  # "| không bắt buộc": may stay empty


class GroupError(ValueError):
    """A group definition that cannot be saved, with a message for the catalog manager."""


# --- shared fields as text ---------------------------------------------------------------------
def parse_shared_fields(text: str) -> list[dict[str, Any]]:
    """One field a line: ``Label``, optionally followed by ``| ngày`` (a date) and/or
    ``| không bắt buộc`` (optional). Keys are the folded labels, unique."""
    specs: list[dict[str, Any]] = []
    keys: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = [p.strip() for p in line.split("|")]
        label = " ".join(parts[0].split()) if parts else ""
        if not label:
            continue
        marks = {fold(p) for p in parts[1:] if p}
        unknown = marks - {DATE_MARK, OPTIONAL_MARK}
        if unknown:
            raise GroupError(
                _("Dòng %(n)s: không hiểu “%(mark)s” (chỉ dùng “ngày” hoặc “không bắt buộc”).")
                % {"n": number, "mark": sorted(unknown)[0]}
            )
        if len(label) > 120:
            raise GroupError(
                _("Dòng %(n)s: tên trường quá dài (tối đa 120 ký tự).") % {"n": number}
            )
        key = re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:40] or f"truong_{number}"
        if key in keys:
            raise GroupError(
                _("Dòng %(n)s: trường “%(label)s” bị trùng.") % {"n": number, "label": label}
            )
        keys.add(key)
        specs.append(
            {
                "key": key,
                "label": label,
                "type": "date" if DATE_MARK in marks else "text",
                "required": OPTIONAL_MARK not in marks,
            }
        )
    if len(specs) > 30:
        raise GroupError(_("Tối đa 30 trường dùng chung."))
    return specs


def shared_fields_text(specs: list[dict[str, Any]]) -> str:
    lines = []
    for spec in specs or []:
        parts = [spec["label"]]
        if spec.get("type") == "date":
            parts.append("ngày")
        if not spec.get("required", True):
            parts.append("không bắt buộc")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


# --- saving -------------------------------------------------------------------------------------
@dataclass
class MemberSpec:
    procedure_code: str
    agency_rule: str = AgencyRule.COMMUNE
    agency_id: int | None = None


@transaction.atomic
def save_group(
    group: InterlinkedGroup | None,
    *,
    name: str,
    code: str,
    description: str,
    published_code: str,
    shared_fields: list[dict[str, Any]],
    members: list[MemberSpec],
    is_active: bool,
    by: Any = None,
) -> InterlinkedGroup:
    """Create or replace a group and its members (as a whole, in the order given)."""
    code = slugify(code or fold(name))[:60]
    if not code or code == "them":  # "them" is the address of the add page
        raise GroupError(_("Cần mã nhóm (chữ không dấu, số, gạch ngang), khác “them”."))
    if len(members) < 2:
        raise GroupError(_("Nhóm liên thông cần ít nhất hai thủ tục."))
    codes = [m.procedure_code for m in members]
    if len(set(codes)) != len(codes):
        raise GroupError(_("Một thủ tục chỉ được có một lần trong nhóm."))
    clash = InterlinkedGroup.objects.filter(code=code)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise GroupError(_("Mã nhóm “%(code)s” đã được dùng.") % {"code": code})
    if group is None:
        group = InterlinkedGroup()
    group.code, group.name, group.description = code, name.strip(), description.strip()
    group.published_code, group.shared_fields = published_code.strip(), shared_fields
    group.is_active, group.updated_by = is_active, by if getattr(by, "pk", None) else None
    group.save()
    group.members.all().delete()
    InterlinkedMember.objects.bulk_create(
        [
            InterlinkedMember(
                group=group,
                procedure_code=m.procedure_code,
                position=i,
                agency_rule=m.agency_rule,
                agency_id=m.agency_id if m.agency_rule == AgencyRule.FIXED else None,
            )
            for i, m in enumerate(members)
        ]
    )
    return group


# --- the demo group -----------------------------------------------------------------------------
BIRTH_GROUP_CODE = "khai-sinh-thuong-tru-bhyt"
BIRTH_GROUP_FIELDS = """Họ, chữ đệm, tên của trẻ
Ngày sinh của trẻ | ngày
Giới tính của trẻ
Nơi sinh
Họ tên người mẹ
Họ tên người cha | không bắt buộc
Nơi đăng ký thường trú của trẻ"""


def seed_demo_groups() -> InterlinkedGroup:
    """The group every province starts with (idempotent: run again, it is rewritten)."""
    existing = InterlinkedGroup.objects.filter(code=BIRTH_GROUP_CODE).first()
    return save_group(
        existing,
        name="Khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi",
        code=BIRTH_GROUP_CODE,
        description=(
            "Liên thông ba thủ tục khi sinh con: đăng ký khai sinh, đăng ký thường trú và cấp "
            "thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi. Khai thông tin của trẻ một lần; mỗi "
            "thủ tục được lập một hồ sơ và chuyển đến cơ quan có thẩm quyền."
        ),
        published_code="2.000986",
        shared_fields=parse_shared_fields(BIRTH_GROUP_FIELDS),
        members=[MemberSpec("1.001193"), MemberSpec("1.004222"), MemberSpec("1.001939")],
        is_active=True,
    )
