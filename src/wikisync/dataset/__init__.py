"""The reference dataset (CSV, .xlsx/.ods, GeoJSON) as ``DatasetHub`` rows, and matching them.

Loading never raises on a bad row: the row is reported as a ``DatasetProblem`` with its
``source`` (file, sheet, row). ``match`` pairs dataset hubs with wiki hubs or records by
index; it is pure, so the audit, ``create`` and the sync's dataset rule share it.
"""

from wikisync.dataset.columns import (
    DATASET_FIELDS,
    ENGLISH_COLUMNS,
    accepted_names,
    column_fields,
    column_key,
    page_title,
)
from wikisync.dataset.geojson import feature_hub, geojson_features, point_of, read_geojson
from wikisync.dataset.match import MatchedBy, Matching, Pair, WikiHub, match, name_key, wiki_titles
from wikisync.dataset.model import Dataset, DatasetError, DatasetHub, DatasetProblem, RowSource
from wikisync.dataset.readers import (
    FALLBACK_ENCODING,
    check_encoding,
    load_dataset,
    read_csv,
    read_table,
)

__all__ = [
    "DATASET_FIELDS", "ENGLISH_COLUMNS", "FALLBACK_ENCODING", "Dataset", "DatasetError",
    "DatasetHub", "DatasetProblem", "MatchedBy", "Matching", "Pair", "RowSource", "WikiHub",
    "accepted_names", "check_encoding", "column_fields", "column_key", "feature_hub",
    "geojson_features", "load_dataset", "match", "name_key", "page_title", "point_of",
    "read_csv", "read_geojson", "read_table", "wiki_titles",
]
