"""Running the monitors: every rule of every monitor against what it has seen, the alerts stored, then delivered.

``marsad monitors run`` calls :func:`run_monitors`; so do ``marsad ingest`` (after its last batch) and
``marsad watch`` (after each cycle), from the CLI — ingest itself knows nothing of monitors.
"""

from __future__ import annotations

import logging

from marsad.analytics import pinned
from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.monitor.deliver import deliver_pending
from marsad.monitor.payload import AlertRecord, alert_records
from marsad.monitor.rules import evaluate
from marsad.monitor.saved import list_monitors
from marsad.store import Store
from marsad.store import monitors as saved

LOGGER = logging.getLogger(__name__)


def run_monitors(store: Store, *, settings: Settings, deliver: bool = True) -> list[AlertRecord]:
    """Evaluate every monitor once; the alerts that fired (each fires once: a second run with nothing new returns
    []), oldest monitor name first. A monitor that cannot be evaluated is logged and skipped; ``deliver`` sends
    the pending alerts afterwards (bounded: see marsad.monitor.deliver)."""
    fired: list[int] = []
    fired_at = saved.utc_now()
    for monitor in list_monitors(store):
        try:
            # One read-only connection for the monitor's reads; closed before its alerts are written.
            with pinned(store) as reader:
                found = evaluate(reader, monitor.query, seen_articles=saved.seen_articles(reader, monitor.id),
                                 seen_keys=saved.seen_keys(reader, monitor.id))
        except MarsadError as exc:
            LOGGER.warning("monitor %s skipped: %s", monitor.name, exc.message)
            LOGGER.debug("detail: %s", exc.detail)
            continue
        if not (found.alerts or found.articles or found.keys):
            continue
        ids = saved.record_alerts(store, monitor.id, found.alerts, fired_at=fired_at, seen_articles=found.articles,
                                  seen_keys=found.keys, deliver=bool(monitor.webhook or monitor.email))
        if ids is None:
            LOGGER.info("monitor %s: another run recorded these alerts first", monitor.name)
            continue
        fired += ids
    records = alert_records(store, saved.list_alerts(store, ids=fired)) if fired else []
    records.sort(key=lambda r: (r["monitor"], r["id"]))
    if fired:
        LOGGER.info("monitors: %d new alerts", len(fired))
    if deliver:
        deliver_pending(store, settings=settings)
    return records
