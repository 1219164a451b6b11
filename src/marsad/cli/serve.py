"""``marsad serve``: the dashboard."""

from __future__ import annotations

import argparse
import os

from marsad.cli import add_db_option, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the dashboard on http://127.0.0.1:PORT/", description=cmd_serve.__doc__)
    add_db_option(p)
    p.add_argument("--port", type=int, default=None, metavar="N", help="port to listen on (default: 8501)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the dashboard on 127.0.0.1 (loopback only: it has no login; see docs/dashboard.md for a reverse proxy)
    and serve it until interrupted. It opens on the store's default view, computed while the server starts; an
    empty store shows a button that loads the demo corpus."""
    from marsad.ui.serve import serve

    # Page runs build their settings from the environment: this is how the chosen store reaches them.
    os.environ["MARSAD_DB"] = str(settings_from(args).db_path)
    serve(port=args.port)
    return 0
