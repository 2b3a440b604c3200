"""Admin for the national templates and campaigns: the standard texts are corrected here."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .forms import PointsField
from .models import Campaign


class CampaignAdminForm(forms.ModelForm):
    ikrar_points = PointsField(label=_("Butir ikrar"), help_text=_("Satu butir per baris."))
    pakta_points = PointsField(
        label=_("Butir pakta integritas"), required=False, help_text=_("Satu butir per baris.")
    )

    class Meta:
        model = Campaign
        fields = [
            "instansi", "title", "opens_on", "closes_on", "ikrar_points", "ikrar_closing",
            "pakta_variant", "pakta_points", "pakta_closing", "allow_drawn", "allow_typed",
        ]  # fmt: skip


class NationalTemplateFilter(admin.SimpleListFilter):
    title = _("templat nasional")
    parameter_name = "national"

    def lookups(self, request, model_admin):
        return [("1", _("Ya")), ("0", _("Bukan"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(instansi__isnull=True)
        if self.value() == "0":
            return queryset.filter(instansi__isnull=False)
        return queryset


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = ["title", "pakta_variant", "instansi", "version", "opens_on", "closes_on",
                    "frozen_at"]  # fmt: skip
    list_filter = [NationalTemplateFilter, "pakta_variant"]
    search_fields = ["title"]
    list_select_related = ["instansi"]

    def get_readonly_fields(self, request, obj=None):
        # Signed text is evidence: once frozen only the schedule and methods may change.
        if obj is not None and obj.is_frozen:
            return ["instansi", *Campaign.TEXT_FIELDS]
        return []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.is_frozen:
            kwargs["form"] = forms.ModelForm  # the points fields are read-only then
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen
