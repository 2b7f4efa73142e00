import factory

from accord.directory.models import Organisation, Person, Publication


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"University {n}")
    name_ko = factory.Sequence(lambda n: f"대학교 {n}")
    country = "GB"
    kind = "university"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name_en = factory.Sequence(lambda n: f"Researcher {n}")
    country = "GB"
    organisation = factory.SubFactory(OrganisationFactory)


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    person = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"A study of topic {n}")
    year = 2022
