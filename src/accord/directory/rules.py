"""Who may see what of the directory. Profiles are public unless their owner hides them."""

from __future__ import annotations

import rules

from accord.accounts.rules import is_administrator

# A hidden profile (a reviewer who keeps theirs private): its owner, and administrators (reading).
rules.add_perm("directory.view_hidden_profiles", is_administrator)
