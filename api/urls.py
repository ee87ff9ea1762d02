from django.urls import path

from .eboards import eboard_page
from .v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("eboard/<str:unit_code>/", eboard_page, name="eboard"),
]
