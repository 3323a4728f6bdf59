#!/usr/bin/env python3
"""Rebuild the HTML map's offline assets in src/wikisync/assets/ from the npm registry.

Fetches ``leaflet@1.9.4`` and ``world-atlas@2.0.2`` with ``npm pack`` (npm must be
installed), copies Leaflet's minified JS, CSS, images and licence, and turns Natural Earth's
1:50m countries (world-atlas' TopoJSON) into ``france.geojson``: France whole (metropole,
Corsica and the overseas departments) and its neighbours clipped to western Europe,
simplified and rounded so the file stays small. Run it only to change those versions:
the result is committed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "src" / "wikisync" / "assets"
LEAFLET, ATLAS = "leaflet@1.9.4", "world-atlas@2.0.2"
FRANCE = "250"
NEIGHBOURS = {"724", "620", "020", "492", "380", "756", "276", "056", "442", "528", "826",
              "372", "040", "438", "674", "336", "705", "208", "203", "504", "012", "788",
              "470", "191"}
CLIP = (-12.0, 35.0, 19.0, 59.0)  # west, south, east, north: what the neighbours keep
TOLERANCE = {"france": 0.004, "voisin": 0.02}  # degrees, Douglas-Peucker
DECIMALS = 3

Point = tuple[float, float]
Ring = list[Point]


def npm_pack(spec: str, into: Path) -> Path:
    """Download one npm package tarball and unpack it; the unpacked ``package/`` folder."""
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=into, check=True,
                   capture_output=True, timeout=300)
    name = spec.split("@")[0]
    target = into / name
    with tarfile.open(next(into.glob(f"{name}-*.tgz"))) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def copy_leaflet(package: Path) -> None:
    """Leaflet's minified files, its images and its BSD-2 licence into assets/leaflet/."""
    target = ASSETS / "leaflet"
    shutil.rmtree(target, ignore_errors=True)
    (target / "images").mkdir(parents=True)
    for name in ("leaflet.js", "leaflet.css"):
        shutil.copyfile(package / "dist" / name, target / name)
    for image in (package / "dist" / "images").glob("*.png"):
        shutil.copyfile(image, target / "images" / image.name)
    shutil.copyfile(package / "LICENSE", target / "LICENSE")


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """TopoJSON's delta-encoded, quantized arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    """One polygon ring from arc indexes (a negative index is the reversed arc ~i)."""
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[list[Ring]]:
    """A Polygon or MultiPolygon geometry as a list of polygons (lists of rings)."""
    parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return [[ring(arcs, r) for r in polygon] for polygon in parts]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a-b, in degrees (good enough to simplify)."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return float(((px - ax) ** 2 + (py - ay) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return float(((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, 0
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def _inside(point: Point, axis: int, limit: float, keep_above: bool) -> bool:
    """Whether a point is on the kept side of one edge of the clipping box."""
    return point[axis] >= limit if keep_above else point[axis] <= limit


def clip(points: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman clipping of a ring to a lon/lat rectangle."""
    west, south, east, north = box
    edges = [(0, west, True), (0, east, False), (1, south, True), (1, north, False)]
    for axis, limit, keep_above in edges:
        result: Ring = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            kept = _inside(current, axis, limit, keep_above)
            if kept != _inside(previous, axis, limit, keep_above):
                t = (limit - previous[axis]) / (current[axis] - previous[axis])
                cross = (previous[0] + t * (current[0] - previous[0]),
                         previous[1] + t * (current[1] - previous[1]))
                result.append(cross)
            if kept:
                result.append(current)
        points = result
        if not points:
            break
    return points


def feature(name: str, kind: str, parts: list[list[Ring]]) -> dict[str, Any] | None:
    """A GeoJSON MultiPolygon feature of simplified, rounded, closed rings."""
    out = []
    for polygon in parts:
        rings = []
        for points in polygon:
            points = simplify(points, TOLERANCE[kind])
            if kind == "voisin":
                points = clip(points, CLIP)
            coords = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in points]
            if len(coords) >= 3:
                rings.append([*coords, coords[0]] if coords[0] != coords[-1] else coords)
        if rings and len(rings[0]) >= 4:
            out.append(rings)
    if not out:
        return None
    return {"type": "Feature", "properties": {"nom": name, "role": kind},
            "geometry": {"type": "MultiPolygon", "coordinates": out}}


def make_outline(package: Path) -> None:
    """france.geojson from world-atlas' countries-50m.json, and its licence note."""
    topology = json.loads((package / "countries-50m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in NEIGHBOURS | {FRANCE} or "arcs" not in geometry:
            continue
        kind = "france" if geometry["id"] == FRANCE else "voisin"
        made = feature(geometry["properties"]["name"], kind, polygons(geometry, arcs))
        if made is not None:
            features.append(made)
    features.sort(key=lambda f: (f["properties"]["role"] == "france", f["properties"]["nom"]))
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    (ASSETS / "france.geojson").write_text(text + "\n", encoding="utf-8")
    shutil.copyfile(package / "LICENSE", ASSETS / "world-atlas.LICENSE")


def main() -> int:
    """Fetch both packages and write the assets; print their sizes."""
    with tempfile.TemporaryDirectory() as tmp:
        copy_leaflet(npm_pack(LEAFLET, Path(tmp)))
        make_outline(npm_pack(ATLAS, Path(tmp)))
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
