"""The only place the notify service's SQL lives (one module per concern). Callers own the
transaction."""
