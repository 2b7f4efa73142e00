from django.contrib import admin

from accord.common.admin import AuditedAdmin
from accord.directory.models import Organisation, Person, Publication


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name_en", "name_ko", "country", "kind", "ror_id", "funder_id")
    list_filter = ("country", "kind")
    search_fields = ("name_en", "name_ko", "short_name", "ror_id")


class PublicationInline(admin.TabularInline):
    model = Publication
    extra = 0
    fields = ("title", "year", "language", "doi")


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name_en", "name_ko", "organisation", "country", "career_stage", "orcid")
    list_filter = ("country", "career_stage")
    search_fields = ("name_en", "name_ko", "orcid", "email")
    inlines = [PublicationInline]
