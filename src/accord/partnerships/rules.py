"""Who may change the register: the Accord secretariat and administrators (everyone may read it)."""

import rules

from accord.accounts.rules import is_administrator, is_secretariat

can_change_commitment = is_secretariat | is_administrator
rules.add_perm("partnerships.change_commitment", can_change_commitment)
