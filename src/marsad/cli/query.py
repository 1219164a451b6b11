"""``marsad query CALL``: any public analytics call by name, as JSON, on the store or on a lake through Spark; and
the ``--backend``/``--lake``/``--master`` options every analytics command shares."""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
from datetime import date, datetime

from marsad.cli import add_db_option, existing_store
from marsad.config import BACKENDS, Settings
from marsad.errors import MarsadError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def add_backend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=BACKENDS,
                   help="read the DuckDB store, or a Parquet lake through Spark (default: $MARSAD_BACKEND, else duckdb)")
    p.add_argument("--lake", help="the lake folder the spark backend reads (default: $MARSAD_LAKE)")
    p.add_argument("--master", help="Spark master URL (default: $MARSAD_SPARK_MASTER, else local[2])")


def analytics_source(args: argparse.Namespace):
    """The Store, or the SparkLake, that ``args`` (``--db``, ``--backend``, ``--lake``, ``--master``) name."""
    from marsad.analytics.on_spark import analytics_source as source

    settings = Settings.load(db_path=args.db, backend=args.backend, lake=args.lake, spark_master=args.master)
    return source(settings, existing_store(args) if settings.backend == "duckdb" else None)


def public_calls() -> dict[str, object]:
    """The analytics calls ``marsad query`` runs: the public functions taking the store first."""
    from marsad import analytics

    out = {}
    for name in analytics.__all__:
        fn = getattr(analytics, name)
        if inspect.isfunction(fn) and next(iter(inspect.signature(fn).parameters), None) == "store" and name != "pinned":
            out[name] = fn
    return out


def _value(text: str, annotation: str, name: str) -> object:
    """A ``--param`` value as its parameter's annotation wants it (ints, dates, lists of ids, booleans, text)."""
    try:
        if annotation.startswith("list[int]"):
            return [int(v) for v in text.split(",") if v.strip()]
        if annotation.startswith("int"):
            return int(text)
        if annotation.startswith("float"):
            return float(text)
        if annotation.startswith("bool"):
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError(f"{text!r} is not a boolean")
            return text.lower() in _TRUE
        if annotation.startswith("date"):
            return date.fromisoformat(text)
    except ValueError as exc:
        raise MarsadError(f"--param {name}={text}: not a {annotation.split(' ')[0]}", detail=str(exc)) from exc
    return None if text == "" and "None" in annotation else text


def call_arguments(fn, params: list[str], query) -> tuple[list[object], dict[str, object]]:
    """Positional and keyword arguments of ``fn`` (after the store) from ``k=v`` strings and the Query."""
    given: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise MarsadError(f"--param {item}: write it as name=value")
        given[key.strip()] = value
    signature = inspect.signature(fn)
    names = list(signature.parameters)[1:]
    unknown = set(given) - set(names) - {"query"}
    if unknown:
        raise MarsadError(f"{fn.__name__} has no parameter {', '.join(sorted(unknown))} (it takes {', '.join(names)})")
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for name in names:
        parameter = signature.parameters[name]
        if name == "query":
            value: object = query
        elif name in given:
            value = _value(given[name], str(parameter.annotation), name)
        elif parameter.default is inspect.Parameter.empty:
            raise MarsadError(f"{fn.__name__} needs --param {name}=…")
        else:
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = value
        else:
            args.append(value)
    return args, kwargs


def jsonable(value: object) -> object:
    """An analytics result as JSON values: a frame as {"rows": [...], "attrs": {...}}, timestamps as ISO text."""
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return {"rows": [jsonable(r) for r in value.to_dict("records")], "attrs": jsonable(dict(value.attrs))}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def cmd_query(args: argparse.Namespace) -> int:
    """Run one public analytics call by name (``marsad query --list`` names them) and print its result as JSON:
    ``marsad query top_entities --param n=5 --lang ar``; on a lake: ``--backend spark --lake DIR``."""
    from marsad.cli.analytics import query_from_args

    calls = public_calls()
    if args.list or not args.call:
        for name, fn in calls.items():
            print(f"{name}{inspect.signature(fn)}")
        return 0
    fn = calls.get(args.call)
    if fn is None:
        raise MarsadError(f"“{args.call}” is not a public analytics call (see `marsad query --list`)")
    call_args, call_kwargs = call_arguments(fn, args.param, query_from_args(args))
    result = fn(analytics_source(args), *call_args, **call_kwargs)  # type: ignore[operator]
    json.dump(jsonable(result), sys.stdout, ensure_ascii=False, indent=2 if args.json else None)
    print()
    return 0


def register(subparsers) -> None:
    from marsad.cli.analytics import add_filters

    p = subparsers.add_parser("query", help=cmd_query.__doc__.splitlines()[0], description=cmd_query.__doc__)
    add_db_option(p)
    add_backend_options(p)
    p.add_argument("call", nargs="?", help="the analytics call, e.g. top_entities, count_over_time, search")
    p.add_argument("--list", action="store_true", help="list the calls and their parameters")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="an argument of the call (repeatable), e.g. n=5, interval=week, entity_key=loc:العراق, ids=1,2")
    add_filters(p)
    p.add_argument("--undated", action="store_true", help="only articles without a date")
    p.add_argument("--json", action="store_true", help="indented JSON (the output is JSON either way)")
    p.set_defaults(func=cmd_query)
