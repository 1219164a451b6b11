"""The alert rules of a saved monitor, evaluated against what its rules have already seen.

- ``articles``: articles matching the monitor's Query that it has not seen — ONE alert per run, batching them all.
- ``spike``: a day on which the Query's own coverage bursts (``analytics.coverage_spikes``: the spikes
  analytics' robust z-score, the selection as one item) — one alert per burst day, once.
- ``entity``: entities named in the new matching articles that were never co-mentioned with the monitor's
  entities before — one alert per run listing them (only for monitors with entities).

Seen things are article ids, entity keys and burst days (ISO). :func:`evaluate` with nothing seen is the baseline
a new monitor starts from: whatever matches when it is created never alerts (docs/monitors.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field

import pandas as pd

from marsad.analytics import Query, coverage_spikes, entities_of, matching_ids
from marsad.store import Store
from marsad.store.monitors import NewAlert

RULES = ("articles", "spike", "entity")


@dataclass
class Evaluation:
    """A run's alerts for one monitor and what its rules saw for the first time (to remember with them)."""

    alerts: list[NewAlert] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)


def evaluate(store: Store, query: Query, *, seen_articles: Set[int], seen_keys: Mapping[str, Set[str]]) -> Evaluation:
    """Every rule on ``query`` against what was seen; alerts in rule order (articles, spike, entity)."""
    out = Evaluation()
    new = [i for i in matching_ids(store, query) if i not in seen_articles]
    out.articles = new
    if new:
        out.alerts.append(NewAlert(rule="articles", article_ids=new, detail={"count": len(new)}))
    _spikes(store, query, seen_keys.get("spike", set()), out)
    if query.entities and new:
        _entities(store, query, new, seen_keys.get("entity", set()), out)
    return out


def _spikes(store: Store, query: Query, seen: Set[str], out: Evaluation) -> None:
    days = []
    for row in coverage_spikes(store, query).to_dict("records"):
        day = row["day"].isoformat()
        if day in seen:
            continue
        days.append(day)
        detail = {"day": day, "count": int(row["count"]), "baseline": float(row["baseline"]), "z": float(row["z"])}
        out.alerts.append(NewAlert(rule="spike", article_ids=list(row["articles"]), detail=detail))
    if days:
        out.keys["spike"] = days


def _entities(store: Store, query: Query, new: list[int], seen: Set[str], out: Evaluation) -> None:
    named = entities_of(store, new)
    named = named[~named["key"].isin(set(query.entities) | set(seen))]
    if named.empty:
        return
    entities = []
    for key, rows in named.groupby("key", sort=True):
        first = rows.iloc[0]
        entities.append({"key": key, "type": first["type"], "name_ar": _name(first["name_ar"]),
                         "name_en": _name(first["name_en"]), "articles": int(rows["article_id"].nunique())})
    # Most widely co-mentioned first: the one an analyst should look at.
    entities.sort(key=lambda e: (-e["articles"], e["key"]))
    ids = sorted({int(i) for i in named["article_id"]})
    out.alerts.append(NewAlert(rule="entity", article_ids=ids, detail={"entities": entities}))
    out.keys["entity"] = [e["key"] for e in entities]


def _name(value: object) -> str | None:
    return None if value is None or pd.isna(value) or not str(value) else str(value)
