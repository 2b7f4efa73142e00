from django.db import models
from django.utils.translation import pgettext_lazy


class Country(models.TextChoices):
    GB = "GB", pgettext_lazy("country", "United Kingdom")
    KR = "KR", pgettext_lazy("country", "Republic of Korea")
    JP = "JP", pgettext_lazy("country", "Japan")
    IN = "IN", pgettext_lazy("country", "India")
    DE = "DE", pgettext_lazy("country", "Germany")
    CH = "CH", pgettext_lazy("country", "Switzerland")
    IL = "IL", pgettext_lazy("country", "Israel")
    ZA = "ZA", pgettext_lazy("country", "South Africa")
    SE = "SE", pgettext_lazy("country", "Sweden")
    INT = "XX", pgettext_lazy("country", "International")


class OrganisationKind(models.TextChoices):
    FUNDER = "funder", pgettext_lazy("organisation kind", "Funder")
    UNIVERSITY = "university", pgettext_lazy("organisation kind", "University")
    INSTITUTE = "institute", pgettext_lazy("organisation kind", "Research institute")
    COMPANY = "company", pgettext_lazy("organisation kind", "Company")
    GOVERNMENT = "government", pgettext_lazy("organisation kind", "Government")
    INTERNATIONAL = (
        "international",
        pgettext_lazy("organisation kind", "International organisation"),
    )


class CareerStage(models.TextChoices):
    DOCTORAL = "doctoral", pgettext_lazy("career stage", "Doctoral researcher")
    EARLY = "early", pgettext_lazy("career stage", "Early-career researcher")
    MID = "mid", pgettext_lazy("career stage", "Mid-career researcher")
    SENIOR = "senior", pgettext_lazy("career stage", "Senior researcher")
    INDUSTRY = "industry", pgettext_lazy("career stage", "Industry researcher")
    OTHER = "other", pgettext_lazy("career stage", "Other")


class Language(models.TextChoices):
    EN = "en", pgettext_lazy("language", "English")
    KO = "ko", pgettext_lazy("language", "Korean")


class OrganisationSize(models.TextChoices):
    MICRO = "micro", pgettext_lazy("organisation size", "Micro business")
    SMALL = "small", pgettext_lazy("organisation size", "Small business")
    MEDIUM = "medium", pgettext_lazy("organisation size", "Medium-sized business")
    MID_TIER = "mid_tier", pgettext_lazy("organisation size", "Mid-tier company")
    LARGE = "large", pgettext_lazy("organisation size", "Large business")
    NON_PROFIT = (
        "non_profit",
        pgettext_lazy("organisation size", "Non-profit (university, research institute)"),
    )
