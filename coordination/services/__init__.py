"""Coordination writes, one module per sub-domain; the directive engine's and periodic
reporting's names are re-exported here."""

from .directives import *  # noqa: F403
from .directives import (  # noqa: F401  (private helpers used by tests and workflows)
    AlreadyDone,
    Rollup,
    _once,
)
from .reporting import *  # noqa: F403
