"""The ``marsad`` command. Each module in this package registers its subcommands via ``register(subparsers)``.

The CLI parses arguments, calls one library function, prints its report; the library never imports it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys

from marsad.config import Settings, default_db_path
from marsad.errors import MarsadError


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help=f"DuckDB store file (default: $MARSAD_DB or marsad.toml, else {default_db_path()}: data/ in a "
                                     "source checkout, the user data folder $XDG_DATA_HOME/marsad for an installed package)")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.load(db_path=getattr(args, "db", None))


def existing_store(args: argparse.Namespace):
    """The store of ``--db`` for a command that only reads: it must exist (opening one would create it)."""
    from marsad.store import Store

    settings = settings_from(args)
    if not settings.db_path.is_file():
        raise MarsadError(f"{settings.db_path}: no store there (create one with `marsad ingest` or `marsad demo`)")
    return Store(settings.db_path, lock_retry_seconds=settings.lock_retry_seconds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marsad", description="Marsad (مرصد): offline media monitoring.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.func(args) or 0)
    except MarsadError as exc:
        logging.getLogger("marsad").debug("detail: %s", exc.detail)
        print(f"marsad: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("marsad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`marsad search … | head`): stop quietly. Point stdout at devnull so
        # the interpreter's final flush does not fail again (the recipe of Python's signal module docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
