"""The citizen's notification preferences (/tai-khoan/thong-bao/): which messages arrive by
e-mail and by SMS, and the latest ones sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.notifications import services
from motcua.notifications.forms import PreferenceForm
from motcua.notifications.models import EventGroup


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.receives_notifications(user):
        return render(request, "notifications/preferences.html", {"officer": True})
    preference = services.preference_for(user)
    if request.method == "POST":
        form = PreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            services.save_preferences(user, form.cleaned_data)
            messages.success(request, _("Đã lưu lựa chọn nhận thông báo."))
            return redirect("notifications:preferences")
    else:
        form = PreferenceForm(instance=preference)
    rows = [
        (group.label, form[f"email_{group.value}"], form[f"sms_{group.value}"])
        for group in EventGroup
    ]
    context = {"form": form, "rows": rows, "recent": services.recent_for(user)}
    return render(request, "notifications/preferences.html", context)
