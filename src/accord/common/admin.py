from django.contrib import admin

from accord.common.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("at", "actor_label", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """The same audience as the audit log page (drafts stay their team's)."""
        from accord.common.selectors import audience_condition

        return super().get_queryset(request).filter(audience_condition(request.user))

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Staff edits in the Django admin are written to the audit log like every other write."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from django.db import transaction

        from accord.common.models import AuditAction
        from accord.common.services.audit import log_action, snapshot

        with transaction.atomic():
            before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
            super().save_model(request, obj, form, change)
            after = snapshot(obj)
            changed = {k: after[k] for k in after if before.get(k) != after[k]}
            log_action(
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                instance=obj,
                before={k: before.get(k) for k in changed} if change else {},
                after=changed if change else after,
                reason="admin",
            )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        from django.db import transaction

        from accord.common.models import AuditAction
        from accord.common.services.audit import log_action, snapshot

        with transaction.atomic():
            log_action(
                actor=request.user,
                action=AuditAction.DELETE,
                instance=obj,
                before=snapshot(obj),
                reason="admin",
            )
            super().delete_model(request, obj)
