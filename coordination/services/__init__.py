"""Coordination writes, one module per sub-domain; the directive engine's and periodic
reporting's names are re-exported here."""

from .directives import *  # noqa: F403
from .reporting import *  # noqa: F403
