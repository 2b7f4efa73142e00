"""factory_boy factories, one module per app; no surprising defaults."""
