"""Saved monitors: named Queries that alert on what comes next (new articles, bursts of coverage, newly
co-mentioned entities), delivered to the dashboard's Alerts page, a webhook, e-mail and an Atom feed.

    create_monitor(store, name, query, *, webhook=None, email=None) -> Monitor   (its baseline set now)
    load_monitor(store, name) -> Monitor: name, query (a Query), webhook, email, id, created_at
    list_monitors(store) -> [Monitor];  remove_monitor(store, name)

This layer reads through ``analytics`` and writes through ``store.monitors``; ingest knows nothing of it (the CLI
runs the monitors after an ingest or a watch cycle). See docs/monitors.md.
"""

from marsad.monitor.saved import Monitor, create_monitor, list_monitors, load_monitor, remove_monitor

__all__ = ["Monitor", "create_monitor", "list_monitors", "load_monitor", "remove_monitor"]
