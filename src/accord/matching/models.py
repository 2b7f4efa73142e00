"""Matching: affinity runs and scores, detected conflicts of interest, declared relations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.common.models import BackgroundRun, RunState, TimeStampedModel

__all__ = ["RunState"]  # re-exported: matching code names it from here


class MatchRun(BackgroundRun):
    """One background recompute of a call's affinities and conflicts, with its progress."""

    call = models.ForeignKey("programmes.Call", on_delete=models.CASCADE, related_name="match_runs")

    class Meta(BackgroundRun.Meta):
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.call} {self.state}"


class AffinityScore(models.Model):
    """How expert a person is for an application, with the publications that explain it."""

    call = models.ForeignKey("programmes.Call", on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="affinities"
    )
    reviewer = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="affinities"
    )
    score = models.FloatField()
    explanation = models.JSONField(
        default=list, help_text="[{publication, title, year, similarity, weight}]"
    )

    class Meta:
        ordering = ["application", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_score_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}×{self.reviewer_id}={self.score:.3f}"


class ConflictSeverity(models.TextChoices):
    HARD = "hard", pgettext_lazy("conflict severity", "Conflict: may not review")
    DECLARE = "declare", pgettext_lazy("conflict severity", "To declare: officer decides")


class Conflict(models.Model):
    """A conflict of interest between a person and an application, with its evidence and source."""

    call = models.ForeignKey("programmes.Call", on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="conflicts"
    )
    reviewer = models.ForeignKey(
        "directory.Person", on_delete=models.CASCADE, related_name="conflicts"
    )
    type = models.CharField(_("type"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=ConflictSeverity.choices)
    rules = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    sentence = models.TextField()
    source = models.CharField(_("source"), max_length=60)

    class Meta:
        ordering = ["application", "reviewer", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "type"], name="one_conflict_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id}↔{self.application_id} {self.type}"


class RelationKind(models.TextChoices):
    SUPERVISION = "supervision", pgettext_lazy("relation", "Supervisor and student")
    FAMILY = "family", pgettext_lazy("relation", "Family")
    HOUSEHOLD = "household", pgettext_lazy("relation", "Same household")
    CLOSE_COLLABORATOR = "close_collaborator", pgettext_lazy("relation", "Close collaborator")


class Relation(TimeStampedModel):
    """A declared link between two people, used by conflict detection."""

    person_a = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    ended = models.DateField(_("ended"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=60, default="declaration")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b", "kind"], name="one_relation_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}–{self.person_b_id} {self.kind}"


class NamedConflict(TimeStampedModel):
    """A person the applicants name as conflicted for their application."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="named_conflicts"
    )
    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "person"], name="one_named_conflict")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} names {self.person_id}"
