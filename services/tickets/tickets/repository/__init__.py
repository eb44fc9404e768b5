"""The only place the tickets service's SQL lives (one module per aggregate). Callers own the
transaction."""
