"""Shared model pieces: timestamps, background runs and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RunState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("run state", "Queued")
    RUNNING = "running", pgettext_lazy("run state", "Running")
    DONE = "done", pgettext_lazy("run state", "Finished")
    FAILED = "failed", pgettext_lazy("run state", "Failed")


class BackgroundRun(TimeStampedModel):
    """A piece of long work done by the background worker, with its progress and signs of life.

    The worker's task claims the run (``attempts`` + 1, ``started_at``) and, while it works,
    writes ``heartbeat_at`` every few seconds (``accord.common.services.runs.working_on``). A run
    still queued or running whose heartbeat is older than the timeout belongs to a worker that
    died: ``reap_stale_runs`` marks it failed with the reason, and the page offers to start again.
    ``message`` is the work's own outcome (a summary, or why the work itself cannot be done);
    ``error`` says when the machinery failed it (the worker stopped, an unexpected exception).
    """

    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=60, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_active(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == RunState.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class AuditAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "created")
    UPDATE = "update", pgettext_lazy("audit action", "updated")
    STATE = "state", pgettext_lazy("audit action", "state changed")
    DELETE = "delete", pgettext_lazy("audit action", "deleted")
    GRANT = "grant", pgettext_lazy("audit action", "role granted")
    REMIND = "remind", pgettext_lazy("audit action", "reminded")


class AppendOnlyError(Exception):
    """The audit log is append-only: entries are never changed or deleted."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who did what to which object, when, with the values before and after.

    Written only by ``accord.common.services.audit.log_action``, which every service calls inside
    its own transaction, so a change and its audit entry are committed together or not at all.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def changed_fields(self) -> list[str]:
        keys = set(self.before) | set(self.after)
        return sorted(k for k in keys if self.before.get(k) != self.after.get(k))
