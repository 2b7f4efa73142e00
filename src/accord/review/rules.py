"""Review permissions. Visibility of applications is decided by the selectors (404 otherwise)."""

from __future__ import annotations

import rules

from accord.programmes.rules import is_officer_of_call

# The call's review management: pool, assignment, progress, ranking (objects: Call).
rules.add_perm("review.manage_call", is_officer_of_call)
