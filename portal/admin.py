from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ActivationCode, AuditEvent, Employee, Instansi, Unit, User


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "place_name", "time_zone"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "instansi", "head", "head_status"]
    list_filter = ["kind", "instansi"]
    search_fields = ["name"]
    raw_id_fields = ["head", "parent"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["nip", "name", "kind", "golongan", "unit", "is_active"]
    list_filter = ["kind", "is_active", "instansi"]
    search_fields = ["nip", "name"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "instansi", "is_active"]
    list_filter = ["role", "instansi", "is_active"]
    raw_id_fields = ["employee"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (None, {"fields": ["role", "instansi", "employee"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "instansi", "actor", "action", "target"]
    list_filter = ["action", "instansi"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    """Read-only: support staff can see whether a printed code was used, revoked or expired."""

    list_display = ["employee", "created_at", "expires_at", "used_at", "revoked_at", "created_by"]
    list_select_related = ["employee", "created_by"]
    search_fields = ["employee__nip", "employee__name"]
    exclude = ["code_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
