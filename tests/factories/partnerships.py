import datetime as dt

import factory

from accord.partnerships.models import Commitment, Instrument, Partnership, TechnologyArea


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    slug = factory.Sequence(lambda n: f"partnership-{n}")
    name_en = "UK–Korea partnership"
    name_ko = "한-영 협력"
    country_a = "GB"
    country_b = "KR"
    signed_on = dt.date(2023, 11, 22)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechnologyArea

    slug = factory.Sequence(lambda n: f"area-{n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    name_ko = factory.Sequence(lambda n: f"분야 {n}")


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    partnership = factory.SubFactory(PartnershipFactory)
    slug = factory.Sequence(lambda n: f"instrument-{n}")
    number = factory.Sequence(lambda n: n + 1)
    kind = "mou"
    name_en = factory.Sequence(lambda n: f"Instrument {n}")
    name_ko = factory.Sequence(lambda n: f"협정 {n}")
    summary_en = "What it does."
    summary_ko = "무엇을 하는가."


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    instrument = factory.SubFactory(InstrumentFactory)
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    text_en = factory.Sequence(lambda n: f"Commitment {n}")
    text_ko = factory.Sequence(lambda n: f"약속 {n}")
