from django.urls import path

from .consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/board/<str:pk>/", BoardConsumer.as_asgi(), name="board-ws"),
]
