from django.contrib import admin

from .models import (
    DeadlineRule,
    Holiday,
    LegalBasis,
    ReportingBody,
    SanctionType,
    ViolationType,
)


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["text", "code", "order", "employee_kind", "is_active"]
    list_filter = ["employee_kind", "is_active"]
    search_fields = ["text", "code"]


@admin.register(SanctionType)
class SanctionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "severity", "duration_months", "percentage",
                    "for_pns", "for_pppk", "appeal_route", "is_active"]  # fmt: skip
    list_filter = ["kind", "level", "is_active"]
    filter_horizontal = ["legal_bases"]


@admin.register(ViolationType)
class ViolationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "default_level", "suggested_sanction", "order", "is_active"]
    list_filter = ["group", "default_level", "is_active"]
    search_fields = ["name"]


@admin.register(ReportingBody)
class ReportingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "valid_until", "is_default", "is_active"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["key", "days", "working_days", "legal_basis"]
