"""GeoJSON datasets: a FeatureCollection, a single Feature, or a uMap export's layers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wikisync.dataset.columns import Columns, column_fields, fields_of, hub_from
from wikisync.dataset.model import (
    Dataset,
    DatasetError,
    DatasetHub,
    DatasetProblem,
    RowSource,
    finish,
)
from wikisync.schema import Schema


def geojson_features(data: Any) -> list[Any]:
    """The features of a FeatureCollection, a single Feature, or a uMap export's layers."""
    if not isinstance(data, dict):
        return []
    if data.get("type") == "Feature":
        return [data]
    if data.get("type") == "FeatureCollection":
        return list(data.get("features") or [])
    if data.get("type") == "umap" or "layers" in data:
        features: list[Any] = []
        for layer in data.get("layers") or []:
            features.extend(geojson_features(layer))
        return features
    return []


def point_of(feature: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lat, lon) of a Point feature (GeoJSON order is [lon, lat]); None if not a point."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    position = geometry.get("coordinates")
    if not isinstance(position, list) or len(position) < 2:
        return None
    lon, lat = position[0], position[1]
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lat), float(lon)


def feature_hub(feature: Any, number: int, schema: Schema, columns: Columns,
                file: str = "<geojson>") -> tuple[DatasetHub | None, list[DatasetProblem]]:
    """One GeoJSON feature as a dataset hub: its properties, its point as coordinates."""
    where = f"feature {number}"
    source = RowSource(file, number)
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        return None, [DatasetProblem(where, "bad-row", "not a feature with properties",
                                     source=source)]
    properties = feature["properties"]
    fields = fields_of(properties, columns)
    point = point_of(feature)
    if point is not None:
        fields.pop("coordinates", None)
        fields["lat"], fields["lon"] = (repr(value) for value in point)
    hub, problems = hub_from(fields, where, schema, properties, source)
    if hub is not None and point is None and feature.get("geometry") is not None:
        problems.append(DatasetProblem(where, "bad-coordinates", "geometry is not a valid Point",
                                       hub.name, source))
    return hub, problems


def read_geojson(text: str, schema: Schema | None = None, source: str = "<geojson>") -> Dataset:
    """Parse a GeoJSON dataset (uMap export or FeatureCollection); bad features become problems."""
    schema = schema or Schema()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{source}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature",
                                                               "umap"):
        raise DatasetError(f"{source}: not a GeoJSON FeatureCollection or uMap export")
    columns = column_fields(schema)
    hubs: list[DatasetHub] = []
    problems: list[DatasetProblem] = []
    present: set[str] = set()
    for number, feature in enumerate(geojson_features(data), start=1):
        hub, found = feature_hub(feature, number, schema, columns, source)
        problems.extend(found)
        if hub is not None:
            hubs.append(hub)
            present.update(fields_of(hub.raw, columns))
            if point_of(feature) is not None:
                present.update(("lat", "lon"))
    return finish(source, hubs, problems, frozenset(present))
