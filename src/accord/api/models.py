"""Personal API tokens: stored only as a SHA-256 digest, bound to one role of their user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.accounts.enums import Role


class TokenScope(models.TextChoices):
    READ = "read", pgettext_lazy("API token scope", "Read only")
    WRITE = "write", pgettext_lazy("API token scope", "Read and write")


class ApiToken(models.Model):
    """A bearer token. The secret is shown once at creation; only its digest is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    role = models.CharField(
        _("acts as"),
        max_length=16,
        choices=Role.choices,
        help_text=_("The token has this role's rights only, and only while you hold the role."),
    )
    scope = models.CharField(
        _("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
