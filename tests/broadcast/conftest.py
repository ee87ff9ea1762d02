from tests.notifications.conftest import channel_layer  # noqa: F401 (the live tests' channel layer, emptied)
