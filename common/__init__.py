"""Small shared helpers with no models and no domain words (DESIGN.md): any app may import them."""
