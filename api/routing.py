from django.urls import path

from .consumers import EboardConsumer

websocket_urlpatterns = [
    path("ws/eboard/<str:unit_code>/", EboardConsumer.as_asgi(), name="eboard-ws"),
]
