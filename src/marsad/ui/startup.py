"""Whether the launcher's warm-up (marsad.ui.serve) is still importing, for page runs to wait on.

Page runs must not use pandas or Plotly while the warm-up thread is importing them: a module being imported is
already in ``sys.modules``, and Plotly's optional-import helper hands out whatever is there instead of importing
(which would wait), so a run could get a half-imported pandas ("partially initialized module 'pandas' has no
attribute 'Series'": seen once in 30 cold starts). Waiting only for pandas and Plotly, then importing the rest
side by side, measured no faster, so runs wait for all the warm-up's imports. Under ``streamlit run`` nothing is
warming and nobody waits.
"""

from __future__ import annotations

import threading

# How long a page run waits for the warm-up's imports at most (they take about a second).
WAIT_S = 60.0

_imports_done = threading.Event()
_imports_done.set()


def imports_starting() -> None:
    _imports_done.clear()


def imports_done() -> None:
    _imports_done.set()


def wait_for_imports() -> None:
    _imports_done.wait(WAIT_S)
