"""Errors carry a message for a person and detail for the log. A leaf module."""

from __future__ import annotations


class MarsadError(Exception):
    """Base error: ``str(err)`` is the user message; ``err.detail`` is for logs."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class RejectedInput(MarsadError):
    """A file or record that cannot be ingested (one line in the rejects report)."""


class StoreBusy(MarsadError):
    """The store file stayed locked by another process longer than the retry window."""


class StoreUnwritable(MarsadError):
    """The store's disk or folder refuses writes (full, read-only, no permission): no retry helps; what was
    committed before stays whole."""


class InvalidQuery(MarsadError):
    """A query (filters, search expression, URL parameters) that cannot be run."""


class FetchError(MarsadError):
    """A network fetch (feed or page) failed, timed out or exceeded its size limit."""


class InvalidMonitor(MarsadError):
    """A monitor that cannot be saved or found: a bad or taken name, an unknown one, a bad webhook or address."""


class DeliveryError(MarsadError):
    """An alert could not be delivered (webhook or e-mail); it stays in the store, its error beside it."""
