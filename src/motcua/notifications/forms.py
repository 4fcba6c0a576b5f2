"""The preferences form: one switch per channel and event group."""

from __future__ import annotations

from django import forms

from motcua.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = list(NotificationPreference.DEFAULTS)
