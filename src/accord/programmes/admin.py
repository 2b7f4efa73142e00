from django.contrib import admin

from accord.programmes.models import Programme, ProgrammeFunder


class FunderInline(admin.TabularInline):
    model = ProgrammeFunder
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name_en", "partnership")
    inlines = [FunderInline]
