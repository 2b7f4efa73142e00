from django.db import models
from django.utils.translation import pgettext_lazy


class InvitationState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("reviewer invitation", "Invited")
    ACCEPTED = "accepted", pgettext_lazy("reviewer invitation", "Accepted")
    DECLINED = "declined", pgettext_lazy("reviewer invitation", "Declined")


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("assignment", "Proposed")
    PUBLISHED = "published", pgettext_lazy("assignment", "Published")
    DECLINED = "declined", pgettext_lazy("assignment", "Declined by the reviewer")


class AssignmentMode(models.TextChoices):
    TOTAL = "total", pgettext_lazy("assignment mode", "Highest total expertise")
    FAIR = "fair", pgettext_lazy("assignment mode", "Best for the worst-served application first")


class ReviewState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("review", "Submitted")
