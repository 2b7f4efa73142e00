from __future__ import annotations

from typing import Any

from django.http import Http404
from django.views.generic import ListView, TemplateView

from accord.directory.models import Organisation, Person
from accord.directory.selectors import organisation_detail, organisations, person_detail


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
        return super().get_context_data(person=person, **kwargs)
