"""The two-factor page: enrol an authenticator app (QR code and key), or enter its current code."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.accounts.security import ENROLLED
from accord.accounts.services.two_factor import confirm_totp_device, pending_totp_device


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


WRONG_CODE = _(
    "That code is not right or has expired. Enter the six-digit code your authenticator app "
    "shows now; after several wrong codes, wait a minute before trying again."
)


class TwoFactorView(LoginRequiredMixin, View):
    """Signed-in users only (anyone else is sent to sign in)."""

    def next_url(self, request: HttpRequest) -> str:
        target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return settings.LOGIN_REDIRECT_URL

    def page(self, request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
        user = request.user
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        context: dict[str, Any] = {
            "form": form,
            "enrolled": enrolled,
            "next": self.next_url(request),
        }
        if not enrolled:
            device = pending_totp_device(user)
            context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
            key = b32encode(device.bin_key).decode()
            context["key"] = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
        return render(request, "accounts/two_factor.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, TokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self.page(request, form, status=400)
        token = form.cleaned_data["token"].replace(" ", "")
        user = request.user
        device = match_token(user, token)
        if device is None:
            pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            if pending is not None and confirm_totp_device(user=user, device=pending, token=token):
                pending.refresh_from_db()
                device = pending
        if device is None:
            form.add_error("token", WRONG_CODE)
            return self.page(request, form, status=400)
        otp_login(request, device)
        request.session[ENROLLED] = True
        return redirect(self.next_url(request))
