"""The only place the scoring service's SQL lives (one module per concern). Callers own the
transaction: every function takes a `conn`."""

from scoring.repository import campaigns, explain, facts, scores, sql, totals

__all__ = ["campaigns", "explain", "facts", "scores", "sql", "totals"]
