"""Coordination writes, one module per sub-domain; the directive engine's names are re-exported here."""

from .directives import *  # noqa: F403
