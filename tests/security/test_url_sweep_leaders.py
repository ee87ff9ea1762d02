"""The URL sweep of tests/security/test_url_sweep.py for the visitors it leaves to this file (its
SECOND_FILE_VISITORS): the same scenario, walked again for this file, and the same oracle. A file of its own so
that a second pytest-xdist worker sweeps these while the first sweeps the others."""

import pytest

from tests.security import test_url_sweep as sweep

pytestmark = pytest.mark.django_db

scenario = sweep.scenario  # the module-scoped fixture: this file walks its own scenario


@pytest.mark.parametrize("visitor", sweep.SECOND_FILE_VISITORS)
def test_no_server_error_and_nothing_wrongly_allowed(scenario, visitor):
    sweep.assert_clean(visitor, scenario)
