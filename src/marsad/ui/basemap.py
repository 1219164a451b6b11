"""The world base map as plain lon/lat polylines, read once from the vendored Natural Earth TopoJSON.

The Map page draws its bubbles on a cartesian Plotly chart (x = longitude, y = latitude) rather than a geo chart
because Streamlit reports clicks and selections from cartesian traces only. The outlines come from the same file
Plotly's geo charts used (``static/topojson/world_110m.json``, no network): TopoJSON arcs are delta-encoded
integer coordinates shared between neighbouring shapes, so they are decoded here once and cached.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from marsad.config import STATIC_DIR
from marsad.errors import MarsadError

LOGGER = logging.getLogger(__name__)
# static/ in a source checkout, inside the package once installed (marsad.config).
TOPOJSON_PATH = STATIC_DIR / "topojson" / "world_110m.json"


@dataclass(frozen=True)
class Outlines:
    """Polylines for go.Scatter: one list of x (lon) and one of y (lat), shapes separated by None."""

    lon: tuple[float | None, ...]
    lat: tuple[float | None, ...]


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute lon/lat points (quantized files store deltas scaled by ``transform``)."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _arc(arcs: list[list[tuple[float, float]]], index: int) -> list[tuple[float, float]]:
    # A negative index ~i is arc i walked backwards (TopoJSON's one's-complement convention).
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def _rings(geometry: dict) -> list[list[int]]:
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


# A step longer than this in longitude is a shape crossing the antimeridian (180°E = 180°W), not a real edge.
_WRAP_DEG = 180.0


def _split_at_antimeridian(shape: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """An outline cut where it crosses ±180° (drawn straight, it would be a line across the whole map)."""
    pieces = [[shape[0]]] if shape else []
    for prev, point in itertools.pairwise(shape):
        if abs(point[0] - prev[0]) > _WRAP_DEG:
            pieces.append([])
        pieces[-1].append(point)
    return pieces


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A closed ring kept whole (a fill needs it closed) with longitudes continued past ±180°, then moved by a
    whole turn so most of it lies on the map; the part beyond the map's edge is clipped by the axis range."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for i, (x, y) in enumerate(ring):
        if i and abs(x + shift - out[-1][0]) > _WRAP_DEG:
            shift += 360.0 if x + shift < out[-1][0] else -360.0
        out.append((x + shift, y))
    turns = max((-2, -1, 0, 1, 2), key=lambda k: sum(-180.0 <= x + 360.0 * k <= 180.0 for x, _ in out))
    return [(x + 360.0 * turns, y) for x, y in out]


def _join(shapes: list[list[tuple[float, float]]]) -> Outlines:
    lon: list[float | None] = []
    lat: list[float | None] = []
    for shape in shapes:
        if lon:
            lon.append(None)
            lat.append(None)
        lon.extend(round(p[0], 3) for p in shape)
        lat.extend(round(p[1], 3) for p in shape)
    return Outlines(tuple(lon), tuple(lat))


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MarsadError(f"{path}: cannot read the base map ({exc.__class__.__name__})", detail=str(exc)) from exc


@functools.cache
def land(path: Path = TOPOJSON_PATH) -> Outlines:
    """Closed land rings (for a filled land layer): each ring's arcs joined end to start."""
    topo = _load(path)
    arcs = _decode_arcs(topo)
    rings = []
    for geometry in topo["objects"]["land"]["geometries"]:
        for ring in _rings(geometry):
            points: list[tuple[float, float]] = []
            for index in ring:
                part = _arc(arcs, index)
                points.extend(part if not points else part[1:])  # consecutive arcs share their joining point
            rings.append(_unwrap(points))
    return _join(rings)


@functools.cache
def borders(path: Path = TOPOJSON_PATH) -> Outlines:
    """Country outlines (borders and coasts): every arc a country uses, drawn once even where two countries share it."""
    topo = _load(path)
    arcs = _decode_arcs(topo)
    used = sorted({index if index >= 0 else ~index
                   for geometry in topo["objects"]["countries"]["geometries"]
                   for ring in _rings(geometry) for index in ring})
    LOGGER.debug("base map: %d of %d arcs are country outlines", len(used), len(arcs))
    return _join([piece for i in used for piece in _split_at_antimeridian(arcs[i])])
