"""Accounts: a user, and the roles they hold (a programme officer's role is bound to one funder)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.accounts.enums import Role


class User(AbstractUser):
    person = models.OneToOneField(
        "directory.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", "English"), ("ko", "한국어")],
        default="en",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def grants(self) -> list[RoleGrant]:
        """The user's role grants, read once per user object (one query per request)."""
        cached: list[RoleGrant] | None = getattr(self, "_grants_cache", None)
        if cached is None:
            cached = list(self.role_grants.all())
            self._grants_cache = cached
        return cached

    def has_role(self, role: Role | str) -> bool:
        return any(grant.role == role for grant in self.grants())

    def funder_ids(self) -> set[int]:
        return {g.funder_id for g in self.grants() if g.role == Role.OFFICER and g.funder_id}

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """A permission named by the policy (``rules``) is answered by the policy alone.

        Django answers True to every permission of an active superuser; for the domain's named
        rules that shortcut would let an administrator act for an applicant, reviewer or funder.
        Django's own model permissions (the admin site) keep the usual behaviour.
        """
        from accord.accounts.rules import is_policy_rule, policy_allows

        if is_policy_rule(perm):
            return self.is_active and policy_allows(self, perm, obj)
        return super().has_perm(perm, obj)


class RoleGrant(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    funder = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("funder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officer_grants",
        help_text=_("Programme officers act for exactly one funder."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "funder"], name="unique_role_grant"),
            models.CheckConstraint(
                condition=models.Q(role=Role.OFFICER, funder__isnull=False)
                | ~models.Q(role=Role.OFFICER),
                name="officer_has_funder",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.funder})" if self.funder_id else ""
        return f"{self.get_role_display()}{suffix}"

    def clean(self) -> None:
        if self.role == Role.OFFICER and not self.funder_id:
            raise ValidationError({"funder": _("A programme officer must be bound to one funder.")})
        if self.role != Role.OFFICER and self.funder_id:
            raise ValidationError({"funder": _("Only programme officers are bound to a funder.")})
