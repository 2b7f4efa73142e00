"""Portfolio optimisation: which applications to fund under two (or more) budgets.

Pure numpy/scipy; no Django. The Django side (``accord.decisions``) encodes its applications
into a :class:`PortfolioInstance` (or the JSON dict of the ``accord portfolio`` contract, via
:func:`instance_from_dict`) and calls :func:`solve_portfolio` or :func:`what_if`.
"""

from accord.core.portfolio.explain import LeftOut, Reason, explain_left_out
from accord.core.portfolio.infeasible import explain
from accord.core.portfolio.parse import (
    instance_from_dict,
    instance_to_dict,
    read_instance,
    unknown_keys,
)
from accord.core.portfolio.solve import solve_portfolio
from accord.core.portfolio.types import (
    NO_MAXIMUM,
    InstanceError,
    PortfolioError,
    PortfolioInfeasible,
    PortfolioInstance,
    PortfolioResult,
    SolverError,
)
from accord.core.portfolio.whatif import (
    AreaBoundChange,
    Blocker,
    BorderlineReason,
    BudgetChange,
    Change,
    ExchangeRateChange,
    ListChange,
    WhatIfResult,
    apply_changes,
    explain_borderline,
    what_if,
)

__all__ = [
    "NO_MAXIMUM",
    "AreaBoundChange",
    "Blocker",
    "BorderlineReason",
    "BudgetChange",
    "Change",
    "ExchangeRateChange",
    "InstanceError",
    "LeftOut",
    "ListChange",
    "PortfolioError",
    "PortfolioInfeasible",
    "PortfolioInstance",
    "PortfolioResult",
    "Reason",
    "SolverError",
    "WhatIfResult",
    "apply_changes",
    "explain",
    "explain_borderline",
    "explain_left_out",
    "instance_from_dict",
    "instance_to_dict",
    "read_instance",
    "solve_portfolio",
    "unknown_keys",
    "what_if",
]
