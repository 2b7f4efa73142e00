"""Writes for the second factor: enrol an authenticator app (TOTP), audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.common.models import AuditAction
from accord.common.services.audit import log_action

DEVICE_NAME = "Authenticator app"


def pending_totp_device(user: Any) -> TOTPDevice:
    """The user's authenticator being set up (created once, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_device(*, user: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm ``device`` if ``token`` is its current code; audited. False if the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        log_action(
            actor=user,
            action=AuditAction.CREATE,
            instance=device,
            after={"user": user.pk, "name": device.name, "confirmed": True},
            reason="two-factor authenticator enrolled",
        )
    return True
