"""Django's PostgreSQL backend with one addition: a statement can be left in flight (ADR 0017)."""
