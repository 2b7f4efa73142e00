from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accord.accounts.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class AccordUserAdmin(UserAdmin):
    inlines = [RoleGrantInline]
    fieldsets = (*UserAdmin.fieldsets, ("Accord", {"fields": ("person", "preferred_language")}))
    list_display = ("username", "email", "first_name", "last_name", "is_staff")
