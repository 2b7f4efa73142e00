from django.db import models
from django.utils.translation import pgettext_lazy


class InstrumentKind(models.TextChoices):
    ACCORD = "accord", pgettext_lazy("instrument kind", "Accord")
    COMMITMENT = "commitment", pgettext_lazy("instrument kind", "Commitment")
    FRAMEWORK = "framework", pgettext_lazy("instrument kind", "Framework")
    PARTNERSHIP = "partnership", pgettext_lazy("instrument kind", "Partnership arrangement")
    MOU = "mou", pgettext_lazy("instrument kind", "Memorandum of understanding")
    IMPLEMENTATION = (
        "implementation",
        pgettext_lazy("instrument kind", "Implementation arrangement"),
    )
    DIALOGUE = "dialogue", pgettext_lazy("instrument kind", "Dialogue")
    INSTITUTIONAL_MOU = "institutional_mou", pgettext_lazy("instrument kind", "Institutional MoU")
    COOPERATION = "cooperation", pgettext_lazy("instrument kind", "Cooperation agreement")


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("commitment status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("commitment status", "In progress")
    DELIVERED = "delivered", pgettext_lazy("commitment status", "Delivered")
    ONGOING = "ongoing", pgettext_lazy("commitment status", "Ongoing")
    AT_RISK = "at_risk", pgettext_lazy("commitment status", "At risk")
