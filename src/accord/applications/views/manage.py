"""Kept only for imports from other branches (``OfficerMixin``, ``officer_calls``); the officer
views live in ``mixins``, ``calls``, ``call_settings``, ``call_rules`` and ``application_officer``.
To be removed at the merge."""

from accord.applications.views.mixins import OfficerMixin, officer_calls

__all__ = ["OfficerMixin", "officer_calls"]
