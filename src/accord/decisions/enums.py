from django.db import models
from django.utils.translation import pgettext_lazy


class Verdict(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("funding decision", "Fund")
    DECLINE = "decline", pgettext_lazy("funding decision", "Do not fund")


class AwardState(models.TextChoices):
    OFFERED = "offered", pgettext_lazy("award state", "Offered")
    ACTIVE = "active", pgettext_lazy("award state", "Active")
    CLOSED = "closed", pgettext_lazy("award state", "Closed")


# The one rule of open data: an award is public (the public award list, /api/awards, the
# 360Giving export, the delivery figures) once published AND accepted by the lead — never while
# it is only offered.
OPEN_DATA_STATES = (AwardState.ACTIVE, AwardState.CLOSED)


class PaymentState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("payment", "Scheduled")
    PAID = "paid", pgettext_lazy("payment", "Paid")


class ReportKind(models.TextChoices):
    PROGRESS = "progress", pgettext_lazy("report kind", "Progress report")
    FINAL = "final", pgettext_lazy("report kind", "Final report")


class OutputKind(models.TextChoices):
    PUBLICATION = "publication", pgettext_lazy("output kind", "Publication")
    PATENT = "patent", pgettext_lazy("output kind", "Patent")
    PEOPLE_TRAINED = "people_trained", pgettext_lazy("output kind", "People trained")
    OTHER = "other", pgettext_lazy("output kind", "Other output")


class LetterState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("letter", "Being written")
    READY = "ready", pgettext_lazy("letter", "Ready")
    FAILED = "failed", pgettext_lazy("letter", "Failed")


class ScenarioKind(models.TextChoices):
    SOLVE = "solve", pgettext_lazy("scenario kind", "Portfolio")
    WHAT_IF = "what_if", pgettext_lazy("scenario kind", "What if")
