from django.contrib import admin

from accord.common.admin import AuditedAdmin
from accord.programmes.models import Programme, ProgrammeFunder


class FunderInline(admin.TabularInline):
    model = ProgrammeFunder
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("name_en", "partnership")
    inlines = [FunderInline]
