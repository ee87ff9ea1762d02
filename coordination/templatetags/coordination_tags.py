from django import template

from .. import access

register = template.Library()


@register.filter
def may_issue_directives(user) -> bool:
    return access.can_issue(user)
