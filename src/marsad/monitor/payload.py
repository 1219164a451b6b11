"""An alert as it leaves the store: a JSON-ready record with its articles (``marsad monitors run --json``, the
webhook body, the feed) and a one-line summary (mail subject, feed entry title)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

import pandas as pd

from marsad.analytics import articles_by_id
from marsad.store import Store
from marsad.store.monitors import AlertRow


class ArticleLink(TypedDict):
    id: int
    url: str | None
    title: str
    published_at: str | None  # ISO, UTC
    source: str  # outlet key
    source_name: str


class AlertRecord(TypedDict):
    id: int
    monitor: str
    query: str  # the monitor's Query in its URL form (its view in the dashboard)
    rule: str  # articles / spike / entity
    fired_at: str  # ISO, UTC
    summary: str
    detail: dict[str, object]
    articles: list[ArticleLink]
    read: bool
    delivery: str
    delivery_error: str | None


def _iso(value: object) -> str | None:
    if value is None or (not isinstance(value, datetime) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def summary(alert: AlertRow) -> str:
    """One line saying what fired, e.g. "Iraq border: 12 new articles"."""
    detail, n = alert["detail"], len(alert["article_ids"])
    if alert["rule"] == "spike":
        what = (f"coverage burst on {detail.get('day')} ({detail.get('count')} articles, usually "
                f"{float(detail.get('baseline') or 0):g} a day)")
    elif alert["rule"] == "entity":
        names = [str(e.get("name_en") or e.get("name_ar") or e.get("key")) for e in detail.get("entities", [])]  # type: ignore[union-attr]
        what = "newly co-mentioned: " + ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    else:
        what = f"{n} new article" + ("" if n == 1 else "s")
    return f"{alert['monitor']}: {what}"


def alert_records(store: Store, alerts: Sequence[AlertRow]) -> list[AlertRecord]:
    """``alerts`` with their articles looked up (in the alert's order; articles deleted since are left out)."""
    ids = list(dict.fromkeys(i for a in alerts for i in a["article_ids"]))
    rows = articles_by_id(store, ids)
    rows = rows.astype(object).where(rows.notna(), None)  # missing values as None, not NaN
    links: dict[int, ArticleLink] = {
        int(r["id"]): ArticleLink(id=int(r["id"]), url=r["url"] or None, title=r["title"] or "",
                                  published_at=_iso(r["published_at"]), source=r["source"] or "",
                                  source_name=r["source_name"] or "")
        for r in rows.to_dict("records")
    }
    return [
        AlertRecord(id=a["id"], monitor=a["monitor"], query=a["query"], rule=a["rule"], fired_at=_iso(a["fired_at"]) or "",
                    summary=summary(a), detail=a["detail"], articles=[links[i] for i in a["article_ids"] if i in links],
                    read=a["read"], delivery=a["delivery"], delivery_error=a["delivery_error"])
        for a in alerts
    ]
