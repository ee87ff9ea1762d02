"""Small generic helpers shared by the apps (no domain words here)."""
