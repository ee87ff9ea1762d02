"""The bulletin's entry actions, mounted inside BulletinFlow's app (workflows/viewsets.py) as `bulletin:…`."""

from django.urls import path

import common.ids  # noqa: F401  (registers the <id:…> converter: 1..2**63-1, else 404)

from ..views import task_claim_page
from . import pages
from .flow import BulletinFlow

urlpatterns = [
    path("bulletins/<id:pk>/submit/", pages.submit, name="submit"),
    path("bulletins/<id:pk>/withdraw/", pages.withdraw, name="withdraw"),
    path("bulletins/<id:pk>/correct/", pages.correct, name="correct"),
    path("bulletins/<id:pk>/unschedule/", pages.unschedule, name="unschedule"),
    path("tasks/<id:task_pk>/claim/", task_claim_page(BulletinFlow), name="task_claim"),
]
