from tests.notifications.conftest import channel_layer  # noqa: F401  (the websocket tests' clean channel layer)
