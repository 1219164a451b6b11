"""The article store: a DuckDB file (schema, connections, writer discipline)."""

from marsad.store.db import Store

__all__ = ["Store"]
