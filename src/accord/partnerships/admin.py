from django.contrib import admin

from accord.common.admin import AuditedAdmin
from accord.partnerships.models import (
    Commitment,
    Instrument,
    Partnership,
    Signatory,
    TechnologyArea,
)


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ("name_en", "country_a", "country_b", "signed_on")
    inlines = [SignatoryInline]


@admin.register(Instrument)
class InstrumentAdmin(AuditedAdmin):
    list_display = ("name_en", "kind", "number", "core", "signed_on")
    list_filter = ("kind", "core")


@admin.register(Commitment)
class CommitmentAdmin(AuditedAdmin):
    list_display = ("slug", "instrument", "owner", "due", "status")
    list_filter = ("status",)


admin.site.register(TechnologyArea, AuditedAdmin)
