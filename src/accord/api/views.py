"""The account's "API tokens" page: list, make (the secret is shown once) and revoke tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accord.api.forms import TokenForm
from accord.api.selectors import tokens_of
from accord.api.services.tokens import create_token, revoke_token
from accord.common.forms import add_service_errors

TEMPLATE = "api/tokens.html"


def render_page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    context = {"tokens": tokens_of(request.user), "form": form, "secret": secret}
    return render(request, TEMPLATE, context, status=status)


class TokenListView(LoginRequiredMixin, View):
    """Signed-in users only; each sees their own tokens."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_page(request, TokenForm(user=request.user))


class TokenCreateView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                new = create_token(user=request.user, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render_page(request, TokenForm(user=request.user), secret=new.secret)
        return render_page(request, form, status=400)


class TokenRevokeView(LoginRequiredMixin, View):
    """Another user's token is not found (404)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        token = get_object_or_404(tokens_of(request.user), pk=pk)
        revoke_token(token=token, actor=request.user)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("api_tokens:list")
