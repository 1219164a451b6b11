"""The one Query every analytics call and every dashboard view takes, and its URL form.

A Query is a set of filters on articles:
- ``text``: a search expression (see marsad.store.search_query for the syntax);
- ``start``/``end``: inclusive UTC days on ``published_at`` (undated articles fall out when either is set);
- ``languages``, ``sources`` (source keys): any of;
- ``entities`` (canonical keys such as "org:isis"): articles mentioning ALL of them (each one narrows);
- ``topics`` (topic ids): articles carrying ANY of them;
- ``include_duplicates``: near-duplicates (``duplicate_of`` set) are left out unless True;
- ``undated``: only articles without a publication date (the ones no time chart can place; with a date range
  set, nothing matches).

``text``, ``entities`` and ``topics`` are the *content* part; the rest is the *base* (what Media Cloud calls the
collection): ``count_over_time`` reports the share of the base that matches the content part.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode

from marsad.errors import InvalidQuery
from marsad.store.search_query import compile_query

# Short, stable URL parameter names: shared links keep working when the code moves.
PARAM_KEYS = ("q", "from", "to", "lang", "src", "ent", "topic", "dups", "undated")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _as_tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.split(",")
    out: list[str] = []
    for v in values:
        v = str(v).strip()
        if v and v not in out:
            out.append(v)
    return tuple(out)


# The days a filter may name: pandas (every chart and time bin) holds timestamps in nanoseconds, 1677-09-21 to
# 2262-04-11, and a link with from=0001-01-01 failed the page in the overflow.
FIRST_DAY = date(1678, 1, 1)
LAST_DAY = date(2261, 12, 31)


def _as_date(value: object, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        day = value if type(value) is date else value.date()  # type: ignore[union-attr]
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise InvalidQuery(f"{name} date “{value}” is not a date like 2020-09-25", detail=str(exc)) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidQuery(f"{name} date {day.isoformat()} is outside the days Marsad can filter ({FIRST_DAY} to {LAST_DAY})")
    return day


@dataclass(frozen=True)
class Query:
    text: str = ""
    start: date | None = None
    end: date | None = None
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    topics: tuple[int, ...] = ()
    include_duplicates: bool = False
    undated: bool = False

    def __post_init__(self) -> None:
        # Accept lists and strings from callers but keep the object hashable (st.cache_data keys on it).
        object.__setattr__(self, "text", (self.text or "").strip())
        object.__setattr__(self, "start", _as_date(self.start, "from"))
        object.__setattr__(self, "end", _as_date(self.end, "to"))
        object.__setattr__(self, "languages", _as_tuple([x.lower() for x in _as_tuple(self.languages)]))
        object.__setattr__(self, "sources", _as_tuple(self.sources))
        object.__setattr__(self, "entities", _as_tuple(self.entities))
        topics: list[int] = []
        for t in _as_tuple(tuple(str(x) for x in self.topics) if not isinstance(self.topics, str) else self.topics):
            try:
                topics.append(int(t))
            except ValueError as exc:
                raise InvalidQuery(f"topic “{t}” is not a topic id (a whole number)", detail=str(exc)) from exc
        object.__setattr__(self, "topics", tuple(topics))
        if self.start and self.end and self.start > self.end:
            raise InvalidQuery(f"the date range is reversed: from {self.start} is after to {self.end}")
        compile_query(self.text)  # raises InvalidQuery with the reason for malformed search syntax

    # -- parts -------------------------------------------------------------------------------------------
    @property
    def has_content(self) -> bool:
        """True when the text/entity/topic part narrows the base."""
        return bool(self.text or self.entities or self.topics)

    def base(self) -> Query:
        """The same filters without the content part: the denominator of share-of-coverage ratios."""
        return dataclasses.replace(self, text="", entities=(), topics=())

    def replace(self, **changes: object) -> Query:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    # -- URL parameters ---------------------------------------------------------------------------------
    def to_params(self) -> dict[str, str | list[str]]:
        """Short stable keys for st.query_params; empty filters are left out."""
        params: dict[str, str | list[str]] = {}
        if self.text:
            params["q"] = self.text
        if self.start:
            params["from"] = self.start.isoformat()
        if self.end:
            params["to"] = self.end.isoformat()
        if self.languages:
            params["lang"] = list(self.languages)
        if self.sources:
            params["src"] = list(self.sources)
        if self.entities:
            params["ent"] = list(self.entities)
        if self.topics:
            params["topic"] = [str(t) for t in self.topics]
        if self.include_duplicates:
            params["dups"] = "1"
        if self.undated:
            params["undated"] = "1"
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Query:
        """Inverse of :meth:`to_params`. Multi-valued keys take a list or a comma-separated string;
        unknown keys are ignored (other views' state shares the URL)."""

        def one(key: str) -> str:
            value = params.get(key)
            if isinstance(value, list | tuple):
                value = value[-1] if value else ""
            return "" if value is None else str(value)

        def many(key: str) -> tuple[str, ...]:
            value = params.get(key)
            if isinstance(value, list | tuple):
                return _as_tuple(part for v in value for part in str(v).split(","))
            return _as_tuple(None if value is None else str(value))

        def flag(key: str) -> bool:
            value = one(key).strip().lower()
            if value not in _TRUE | _FALSE:
                raise InvalidQuery(f"{key}=“{value}” should be 1 or 0")
            return value in _TRUE

        return cls(
            text=one("q"),
            start=_as_date(one("from"), "from"),
            end=_as_date(one("to"), "to"),
            languages=many("lang"),
            sources=many("src"),
            entities=many("ent"),
            topics=many("topic"),  # type: ignore[arg-type]  # converted and checked in __post_init__
            include_duplicates=flag("dups"),
            undated=flag("undated"),
        )

    def to_url(self) -> str:
        """The URL query string of :meth:`to_params` ("q=...&lang=ar&lang=en"): how a saved monitor keeps it."""
        return urlencode(self.to_params(), doseq=True)

    @classmethod
    def from_url(cls, text: str) -> Query:
        """Inverse of :meth:`to_url` (a leading "?" is allowed); ``InvalidQuery`` when malformed."""
        return cls.from_params(parse_qs(text.removeprefix("?"), keep_blank_values=True))
