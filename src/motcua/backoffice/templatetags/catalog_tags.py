"""Template helpers of the catalog back office: whether to show its menu entry, and form
widgets with Bootstrap's error state."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def can_manage_catalog(context: template.Context) -> bool:
    """Whether the signed-in officer may open the catalog back office."""
    from motcua.backoffice.catalog_views import can_read_catalog

    request = context.get("request")
    return request is not None and can_read_catalog(request.user)


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> SafeString:
    """Render ``field``'s widget, marked ``is-invalid`` when it has errors."""
    if field.errors:
        classes = field.field.widget.attrs.get("class", "")
        attrs["class"] = f"{classes} is-invalid".strip()
        described = [f"{field.auto_id}_error"]
        if field.help_text:
            described.append(f"{field.auto_id}_helptext")
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs or None)


@register.filter
def vnd(value: int | None) -> str:
    """An amount in đồng, grouped by thousands: 50.000."""
    from motcua.backoffice.catalog_history import money

    return "" if value is None else money(value)
