from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", pgettext_lazy("role", "Accord secretariat")
    OFFICER = "officer", pgettext_lazy("role", "Programme officer")
    APPLICANT = "applicant", pgettext_lazy("role", "Applicant")
    REVIEWER = "reviewer", pgettext_lazy("role", "Reviewer")
    PANEL = "panel", pgettext_lazy("role", "Panel member")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")
