"""Monitors and their alerts in the store: every write (a monitor with its baseline, a run's alerts with what
they saw, read flags, delivery outcomes) and the reads behind them.

A monitor's rules remember what they have seen (``monitor_articles``: article ids; ``monitor_keys``: entity keys
and burst days) so each alert fires once; a run's alerts and the things they saw are ONE transaction
(:func:`record_alerts`), so a kill between them can neither repeat an alert nor lose one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypedDict

import duckdb
import pyarrow as pa

from marsad.errors import InvalidMonitor
from marsad.store import bulk
from marsad.store.db import Store

_ARTICLES = pa.schema([("monitor_id", pa.int32()), ("article_id", pa.int64())])
_KEYS = pa.schema([("monitor_id", pa.int32()), ("rule", pa.string()), ("key", pa.string())])
_ALERTS = pa.schema([("id", pa.int64()), ("monitor_id", pa.int32()), ("rule", pa.string()),
                     ("fired_at", pa.timestamp("us")), ("article_ids", pa.list_(pa.int64())),
                     ("detail", pa.string()), ("delivery", pa.string())])


class MonitorRow(TypedDict):
    id: int
    name: str
    query: str  # the Query's URL form (marsad.analytics.Query.to_url / from_url)
    webhook: str | None
    email: str | None
    created_at: datetime


class NewAlert(TypedDict):
    rule: str
    article_ids: list[int]
    detail: dict[str, object]


class AlertRow(TypedDict):
    id: int
    monitor: str
    monitor_id: int
    query: str
    rule: str
    fired_at: datetime
    article_ids: list[int]
    detail: dict[str, object]
    read: bool
    delivery: str  # none / pending / sent / failed
    delivery_error: str | None


def utc_now() -> datetime:
    """Naive UTC to the microsecond, as every timestamp in the store."""
    return datetime.now(UTC).replace(tzinfo=None)


def _monitor(row: Sequence[object]) -> MonitorRow:
    mid, name, query, webhook, email, created_at = row
    return MonitorRow(id=int(mid), name=str(name), query=str(query), webhook=webhook or None,  # type: ignore[typeddict-item]
                      email=email or None, created_at=created_at)  # type: ignore[typeddict-item]


_MONITOR_COLUMNS = "id, name, query, webhook, email, created_at"


def _seen_rows(monitor_id: int, articles: Iterable[int], keys: Mapping[str, Iterable[str]]) -> tuple[pa.Table, pa.Table]:
    a = bulk.rows_table([(monitor_id, int(i)) for i in articles], _ARTICLES)
    k = bulk.rows_table([(monitor_id, rule, str(key)) for rule, values in keys.items() for key in values], _KEYS)
    return a, k


def add_monitor(store: Store, *, name: str, query: str, webhook: str | None, email: str | None,
                seen_articles: Iterable[int] = (), seen_keys: Mapping[str, Iterable[str]] | None = None) -> MonitorRow:
    """Save a monitor with its baseline (what already matches and must never alert) in one transaction;
    ``InvalidMonitor`` when the name is taken."""
    with store.write() as con:
        if con.execute("SELECT 1 FROM monitors WHERE name = ?", [name]).fetchall():
            raise InvalidMonitor(f"a monitor named “{name}” exists already (remove it first, or choose another name)")
        mid = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM monitors").fetchall()[0][0])
        con.execute(f"INSERT INTO monitors ({_MONITOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    [mid, name, query, webhook, email, utc_now()])
        articles, keys = _seen_rows(mid, seen_articles, seen_keys or {})
        bulk.insert(con, "monitor_articles", articles)
        bulk.insert(con, "monitor_keys", keys)
        row = con.execute(f"SELECT {_MONITOR_COLUMNS} FROM monitors WHERE id = ?", [mid]).fetchall()[0]
    return _monitor(row)


def update_monitor(store: Store, monitor_id: int, *, query: str, webhook: str | None, email: str | None,
                   seen_articles: Iterable[int] = (), seen_keys: Mapping[str, Iterable[str]] | None = None) -> MonitorRow:
    """A monitor's new Query and delivery with what its new baseline adds to what it has seen, in one transaction
    (rows a run recorded meanwhile are not doubled); ``InvalidMonitor`` when it was removed meanwhile."""
    articles, keys = _seen_rows(monitor_id, seen_articles, seen_keys or {})
    with store.write() as con:
        if not con.execute("SELECT 1 FROM monitors WHERE id = ?", [monitor_id]).fetchall():
            raise InvalidMonitor("the monitor was removed meanwhile")
        con.execute("UPDATE monitors SET query = ?, webhook = ?, email = ? WHERE id = ?", [query, webhook, email, monitor_id])
        with bulk.registered(con, articles) as view:
            con.execute(f"INSERT INTO monitor_articles (monitor_id, article_id) SELECT DISTINCT v.monitor_id, v.article_id FROM {view} v "
                        "WHERE NOT EXISTS (SELECT 1 FROM monitor_articles s WHERE s.monitor_id = v.monitor_id "
                        "AND s.article_id = v.article_id)")
        with bulk.registered(con, keys) as view:
            con.execute(f"INSERT INTO monitor_keys (monitor_id, rule, key) SELECT DISTINCT v.monitor_id, v.rule, v.key FROM {view} v "
                        "WHERE NOT EXISTS (SELECT 1 FROM monitor_keys s WHERE s.monitor_id = v.monitor_id "
                        "AND s.rule = v.rule AND s.key = v.key)")
        row = con.execute(f"SELECT {_MONITOR_COLUMNS} FROM monitors WHERE id = ?", [monitor_id]).fetchall()[0]
    return _monitor(row)


def remove_monitor(store: Store, name: str) -> bool:
    """Delete the monitor ``name`` with its alerts and what it has seen; False when there is none."""
    with store.write() as con:
        found = con.execute("SELECT id FROM monitors WHERE name = ?", [name]).fetchall()
        if not found:
            return False
        mid = found[0][0]
        for table in ("alerts", "monitor_articles", "monitor_keys"):
            con.execute(f"DELETE FROM {table} WHERE monitor_id = ?", [mid])
        con.execute("DELETE FROM monitors WHERE id = ?", [mid])
    return True


def _read(store: Store, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    """Rows of ``sql``; none when the store predates monitors (a reader may not migrate it: the next command
    that writes does)."""
    if not store.exists:
        return []
    with store.read() as con:
        try:
            return con.execute(sql, list(params)).fetchall()
        except duckdb.CatalogException:
            return []


def list_monitors(store: Store) -> list[MonitorRow]:
    """Every monitor, by name."""
    return [_monitor(r) for r in _read(store, f"SELECT {_MONITOR_COLUMNS} FROM monitors ORDER BY name")]


def get_monitor(store: Store, name: str) -> MonitorRow | None:
    rows = _read(store, f"SELECT {_MONITOR_COLUMNS} FROM monitors WHERE name = ?", [name])
    return _monitor(rows[0]) if rows else None


def seen_articles(store: Store, monitor_id: int) -> set[int]:
    """Ids of the articles monitor ``monitor_id`` has seen (its baseline and everything it alerted on)."""
    return {int(r[0]) for r in _read(store, "SELECT article_id FROM monitor_articles WHERE monitor_id = ?", [monitor_id])}


def seen_keys(store: Store, monitor_id: int) -> dict[str, set[str]]:
    """Rule → the keys it has seen (entity keys, burst days) for monitor ``monitor_id``."""
    out: dict[str, set[str]] = {}
    for rule, key in _read(store, "SELECT rule, key FROM monitor_keys WHERE monitor_id = ?", [monitor_id]):
        out.setdefault(str(rule), set()).add(str(key))
    return out


def record_alerts(store: Store, monitor_id: int, alerts: Sequence[NewAlert], *, fired_at: datetime,
                  seen_articles: Iterable[int] = (), seen_keys: Mapping[str, Iterable[str]] | None = None,
                  deliver: bool = False) -> list[int] | None:
    """Store a run's ``alerts`` and what its rules saw, in one transaction; their new ids, in order.
    ``deliver``: the monitor has somewhere to send them (their delivery starts ``pending``). None, storing
    nothing, when another run (a watch cycle beside a ``monitors run``) recorded some of the same things first:
    its alerts already said it."""
    articles, keys = _seen_rows(monitor_id, seen_articles, seen_keys or {})
    with store.write() as con:
        if _already_seen(con, articles, keys):
            return None
        first = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM alerts").fetchall()[0][0])
        ids = list(range(first, first + len(alerts)))
        rows = [(i, monitor_id, a["rule"], fired_at, [int(x) for x in a["article_ids"]],
                 json.dumps(a["detail"], ensure_ascii=False, default=str), "pending" if deliver else "none")
                for i, a in zip(ids, alerts, strict=True)]
        bulk.insert(con, "alerts", bulk.rows_table(rows, _ALERTS))
        bulk.insert(con, "monitor_articles", articles)
        bulk.insert(con, "monitor_keys", keys)
    return ids


def _already_seen(con: duckdb.DuckDBPyConnection, articles: pa.Table, keys: pa.Table) -> bool:
    with bulk.registered(con, articles) as view:
        if con.execute(f"SELECT 1 FROM monitor_articles s JOIN {view} v ON s.monitor_id = v.monitor_id "
                       "AND s.article_id = v.article_id LIMIT 1").fetchall():
            return True
    with bulk.registered(con, keys) as view:
        return bool(con.execute(f"SELECT 1 FROM monitor_keys s JOIN {view} v ON s.monitor_id = v.monitor_id "
                                "AND s.rule = v.rule AND s.key = v.key LIMIT 1").fetchall())


_ALERT_SELECT = (
    "SELECT a.id, m.name, m.id, m.query, a.rule, a.fired_at, a.article_ids, a.detail, a.read, a.delivery, "
    "a.delivery_error FROM alerts a JOIN monitors m ON m.id = a.monitor_id"
)


def _alert(row: Sequence[object]) -> AlertRow:
    aid, name, mid, query, rule, fired_at, article_ids, detail, read, delivery, error = row
    return AlertRow(id=int(aid), monitor=str(name), monitor_id=int(mid), query=str(query), rule=str(rule),  # type: ignore[arg-type]
                    fired_at=fired_at, article_ids=[int(i) for i in article_ids or []],  # type: ignore[arg-type,union-attr]
                    detail=json.loads(str(detail or "{}")), read=bool(read), delivery=str(delivery),
                    delivery_error=error or None)  # type: ignore[arg-type]


def list_alerts(store: Store, *, monitor: str | None = None, unread_only: bool = False, delivery: str | None = None,
                ids: Sequence[int] | None = None, limit: int | None = None) -> list[AlertRow]:
    """Alerts, newest first: of one monitor (by name), only the unread, those in one ``delivery`` state, or the
    given ids."""
    where: list[str] = []
    params: list[object] = []
    if delivery is not None:
        where.append("a.delivery = ?")
        params.append(delivery)
    if monitor is not None:
        where.append("m.name = ?")
        params.append(monitor)
    if unread_only:
        where.append("NOT a.read")
    if ids is not None:
        where.append("list_contains(?, a.id)")
        params.append([int(i) for i in ids])
    sql = _ALERT_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.fired_at DESC, a.id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [_alert(r) for r in _read(store, sql, params)]


def unread_counts(store: Store) -> dict[str, int]:
    """Monitor name → unread alerts (every monitor, 0 included)."""
    rows = _read(store, "SELECT m.name, count(a.id) FILTER (WHERE NOT a.read) FROM monitors m "
                        "LEFT JOIN alerts a ON a.monitor_id = m.id GROUP BY m.name ORDER BY m.name")
    return {str(name): int(n) for name, n in rows}


def mark_read(store: Store, alert_ids: Sequence[int], *, read: bool = True) -> None:
    if not alert_ids:
        return
    with store.write() as con:
        con.execute("UPDATE alerts SET read = ? WHERE list_contains(?, id)", [read, [int(i) for i in alert_ids]])


def set_delivery(store: Store, alert_id: int, *, status: str, error: str | None = None) -> None:
    """The outcome of delivering alert ``alert_id``: ``sent`` or ``failed`` (with ``error``, per channel)."""
    with store.write() as con:
        con.execute("UPDATE alerts SET delivery = ?, delivery_error = ? WHERE id = ?", [status, error, alert_id])
