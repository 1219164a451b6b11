"""Saved monitors: named Queries that alert on what comes next (new articles, bursts of coverage, newly
co-mentioned entities), delivered to the dashboard's Alerts page, a webhook, e-mail and an Atom feed.

    create_monitor(store, name, query, *, webhook=None, email=None) -> Monitor   (its baseline set now)
    load_monitor(store, name) -> Monitor: name, query (a Query), webhook, email, id, created_at
    edit_monitor(store, name, query, *, webhook=None, email=None) -> Monitor   (its baseline extended)
    list_monitors(store) -> [Monitor];  remove_monitor(store, name)
    run_monitors(store, *, settings, deliver=True) -> [AlertRecord]: every rule once; alerts stored, then delivered
    alert_records(store, alert_rows) -> [AlertRecord]: id, monitor, query, rule, fired_at, summary, detail,
        articles (id, url, title, published_at, source, source_name), read, delivery, delivery_error
    atom_feed(store, name) -> str: the monitor's alerts as an Atom 1.0 document

This layer reads through ``analytics`` and writes through ``store.monitors``; ingest knows nothing of it (the CLI
runs the monitors after an ingest or a watch cycle). See docs/monitors.md.
"""

from marsad.monitor.feed import atom_feed
from marsad.monitor.payload import AlertRecord, alert_records
from marsad.monitor.run import run_monitors
from marsad.monitor.saved import Monitor, create_monitor, edit_monitor, list_monitors, load_monitor, remove_monitor

__all__ = [
    "AlertRecord",
    "Monitor",
    "alert_records",
    "atom_feed",
    "create_monitor",
    "edit_monitor",
    "list_monitors",
    "load_monitor",
    "remove_monitor",
    "run_monitors",
]
