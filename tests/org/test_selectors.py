"""org.selectors.user_memberships, the one way apps read a person's roles."""

from django.contrib.auth.models import AnonymousUser

from org.models import Role
from org.selectors import user_memberships, user_roles


def test_roles_are_read_once_per_user_object(demo, user, django_assert_num_queries):
    person = user("quanly")
    with django_assert_num_queries(1):
        assert user_roles(person) == {Role.MANAGER}
        assert {role for role, _unit in user_memberships(person)} == {Role.MANAGER}
        assert user_roles(person) == {Role.MANAGER}
    assert user_roles(user("quanly")) == {Role.MANAGER}  # a fresh object reads again


def test_nobody_has_roles_when_logged_out(db):
    assert user_roles(AnonymousUser()) == set()
    assert user_memberships(AnonymousUser()) == frozenset()
