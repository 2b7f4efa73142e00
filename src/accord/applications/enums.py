from django.db import models
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application state", "Submitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("application state", "Withdrawn")
    ELIGIBLE = "eligible", pgettext_lazy("application state", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("application state", "Ineligible")
    IN_REVIEW = "in_review", pgettext_lazy("application state", "In review")
    AT_PANEL = "at_panel", pgettext_lazy("application state", "At panel")
    FUNDED = "funded", pgettext_lazy("application state", "Funded")
    DECLINED = "declined", pgettext_lazy("application state", "Declined")
    ACTIVE = "active", pgettext_lazy("application state", "Active")
    CLOSED = "closed", pgettext_lazy("application state", "Closed")


S = ApplicationState
# Every allowed move. Anything else is refused by the one transition service.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.WITHDRAWN, S.ELIGIBLE, S.INELIGIBLE}),
    S.ELIGIBLE: frozenset({S.INELIGIBLE, S.IN_REVIEW, S.WITHDRAWN}),
    S.INELIGIBLE: frozenset({S.ELIGIBLE}),
    S.IN_REVIEW: frozenset({S.AT_PANEL, S.WITHDRAWN}),
    S.AT_PANEL: frozenset({S.FUNDED, S.DECLINED}),
    S.FUNDED: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset(),
    S.DECLINED: frozenset(),
    S.CLOSED: frozenset(),
}
EDITABLE_STATES = frozenset({S.DRAFT})


class MemberRole(models.TextChoices):
    LEAD = "lead", pgettext_lazy("team role", "Lead")
    CO_INVESTIGATOR = "co_investigator", pgettext_lazy("team role", "Co-investigator")
    RESEARCHER = "researcher", pgettext_lazy("team role", "Researcher")
    PARTNER = "partner", pgettext_lazy("team role", "Project partner")


class BudgetCategory(models.TextChoices):
    STAFF = "staff", pgettext_lazy("budget category", "Staff")
    TRAVEL = "travel", pgettext_lazy("budget category", "Travel and subsistence")
    EQUIPMENT = "equipment", pgettext_lazy("budget category", "Equipment")
    CONSUMABLES = "consumables", pgettext_lazy("budget category", "Consumables")
    SUBCONTRACT = "subcontract", pgettext_lazy("budget category", "Subcontracting")
    OTHER = "other", pgettext_lazy("budget category", "Other direct costs")
    INDIRECT = "indirect", pgettext_lazy("budget category", "Indirect costs")


class DocumentKind(models.TextChoices):
    CASE = "case", pgettext_lazy("document kind", "Case for support")
    CV = "cv", pgettext_lazy("document kind", "CV")
    LETTER = "letter", pgettext_lazy("document kind", "Letter of support")
    OTHER = "other", pgettext_lazy("document kind", "Other")


class CheckStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("funder check", "Not checked yet")
    PASSED = "passed", pgettext_lazy("funder check", "Passed")
    FAILED = "failed", pgettext_lazy("funder check", "Failed")
    QUERY = "query", pgettext_lazy("funder check", "Query to applicant")
