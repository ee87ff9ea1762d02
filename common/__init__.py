"""Small building blocks every app may use (files, uploads, the ASGI request cap); no models."""
