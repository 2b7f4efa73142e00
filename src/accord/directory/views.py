from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accord.accounts.rules import person_id_of
from accord.directory.enums import Language
from accord.directory.forms import ImportForm, PublicationForm, VisibilityForm
from accord.directory.models import Organisation, Person, Publication, PublicationImport
from accord.directory.selectors import (
    organisation_detail,
    organisations,
    own_publications,
    person_detail,
)
from accord.directory.services.people import upsert_person
from accord.directory.services.publications import (
    MAX_IMPORT_BYTES,
    create_publication,
    delete_publication,
    start_publication_import,
    update_publication,
)


class OrganisationListView(ListView):
    """Public."""

    template_name = "directory/organisations.html"
    context_object_name = "organisations"

    def get_queryset(self) -> Any:
        return organisations()


class OrganisationDetailView(TemplateView):
    """Public; lists only the people whose profiles the reader may see."""

    template_name = "directory/organisation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            organisation = organisation_detail(kwargs["slug"], self.request.user)
        except Organisation.DoesNotExist:
            raise Http404 from None
        return super().get_context_data(organisation=organisation, **kwargs)


class PersonDetailView(TemplateView):
    """Public profiles for everyone; a hidden profile is a 404 for all but its owner and staff."""

    template_name = "directory/person.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            person = person_detail(kwargs["slug"], self.request.user)
        except Person.DoesNotExist:
            raise Http404 from None
        from accord.applications.selectors import drafts_to_invite_into

        return super().get_context_data(
            person=person, drafts=drafts_to_invite_into(self.request.user, person), **kwargs
        )


# ---------------------------------------------------------------------- my profile
class MyProfileMixin(LoginRequiredMixin):
    """The signed-in user's own person; their publications only through ``own_publications``,
    so another person's publication is a 404."""

    template_name = "directory/my_profile.html"
    request: HttpRequest

    def person(self) -> Person | None:
        return self.request.user.person if person_id_of(self.request.user) else None  # type: ignore[union-attr]

    def own_publication(self, pk: int) -> Publication:
        try:
            return own_publications(self.request.user).select_related("person").get(pk=pk)
        except Publication.DoesNotExist:
            raise Http404 from None

    def own_import(self, pk: int | str | None) -> PublicationImport | None:
        """One of the user's own imports (another person's is a 404)."""
        person_id = person_id_of(self.request.user)
        if pk is None or person_id is None:
            return None
        try:
            return PublicationImport.objects.defer("data").get(pk=int(pk), person_id=person_id)
        except (PublicationImport.DoesNotExist, ValueError):
            raise Http404 from None

    def profile_context(self, person: Person | None, **kwargs: Any) -> dict[str, Any]:
        if person is None:
            return {"person": None, **kwargs}
        kwargs.setdefault("form", PublicationForm(initial={"language": Language.EN}))
        kwargs.setdefault("import_form", ImportForm())
        kwargs.setdefault(
            "visibility_form", VisibilityForm(initial={"public_profile": person.public_profile})
        )
        return {
            "person": person,
            "publications": own_publications(self.request.user),
            "max_import_mb": MAX_IMPORT_BYTES // 1_048_576,
            **kwargs,
        }

    def render_profile(self, person: Person | None, **kwargs: Any) -> HttpResponse:
        return render(
            self.request, "directory/my_profile.html", self.profile_context(person, **kwargs)
        )


class MyProfileView(MyProfileMixin, View):
    """My publications (hand entry, file import, edit, delete) and my profile's visibility."""

    def get(self, request: HttpRequest) -> HttpResponse:
        person = self.person()
        report = self.own_import(request.GET.get("import"))
        if report is None and person is not None:  # an import still under way is shown
            report = (
                person.imports.defer("data")
                .filter(state__in=[PublicationImport.State.QUEUED, PublicationImport.State.RUNNING])
                .first()
            )
        return self.render_profile(person, report=report)


class ImportStatusView(MyProfileMixin, View):
    """The import's progress for htmx to poll; once it has finished, the whole page is reloaded
    (HX-Redirect) to show the report and the publications."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.own_import(pk)
        if record is None:  # a user with no person has no imports
            raise Http404
        if record.finished:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{reverse('directory:my_profile')}?import={record.pk}"
            return response
        return render(request, "directory/_import_status.html", {"report": record})


class AddPublicationView(MyProfileMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        person = self.person()
        if person is None:
            raise Http404
        form = PublicationForm(request.POST)
        if form.is_valid():
            try:
                pub = create_publication(
                    person=person, actor=request.user, values=form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Added “%(title)s”.") % {"title": pub.title})
                return redirect("directory:my_profile")
        return self.render_profile(person, form=form)


class ImportPublicationsView(MyProfileMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        person = self.person()
        if person is None:
            raise Http404
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = start_publication_import(
                    person=person, user=request.user, name=upload.name, data=upload.read()
                )
            except ValidationError as exc:
                _add_errors(form, exc, field="file")
            else:
                return redirect(
                    f"{reverse('directory:my_profile')}?import={record.pk}#import-report"
                )
        return self.render_profile(person, import_form=form)


class VisibilityView(MyProfileMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        person = self.person()
        if person is None:
            raise Http404
        form = VisibilityForm(request.POST)
        form.is_valid()  # a lone optional checkbox is always valid
        public = bool(form.cleaned_data.get("public_profile"))
        upsert_person(slug=person.slug, actor=request.user, public_profile=public)
        if public:
            messages.success(request, _("Your profile is shown in the partner finder."))
        else:
            messages.success(request, _("Your profile is hidden from the partner finder."))
        return redirect("directory:my_profile")


class EditPublicationView(MyProfileMixin, View):
    template_name = "directory/my_publication_edit.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        pub = self.own_publication(pk)
        form = PublicationForm(initial=PublicationForm.initial_from(pub))
        return render(request, self.template_name, {"publication": pub, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        pub = self.own_publication(pk)
        form = PublicationForm(request.POST, previous_coauthors=list(pub.coauthors or []))
        if form.is_valid():
            try:
                update_publication(publication=pub, actor=request.user, values=form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Saved “%(title)s”.") % {"title": pub.title})
                return redirect("directory:my_profile")
        return render(request, self.template_name, {"publication": pub, "form": form})


class DeletePublicationView(MyProfileMixin, View):
    template_name = "directory/my_publication_delete.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, {"publication": self.own_publication(pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        pub = self.own_publication(pk)
        title = pub.title
        delete_publication(publication=pub, actor=request.user)
        messages.success(request, _("Deleted “%(title)s”.") % {"title": title})
        return redirect("directory:my_profile")


def _add_errors(form: Any, exc: ValidationError, *, field: str | None = None) -> None:
    """Put a service's ValidationError on the form (on its fields where it names them)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(field, exc.messages)
