"""``wikisync audit``: compare the wiki with the reference dataset and the map, and report."""

from wikisync.audit.compare import (
    audit,
    audit_store,
    check_consistency,
    compare_dataset,
    record_problems,
)
from wikisync.audit.fields import DEFAULT_THRESHOLD_M
from wikisync.audit.map import compare_map, read_pins
from wikisync.audit.model import (
    JSON_KEYS,
    KINDS,
    MISMATCH_FIELDS,
    Difference,
    counts,
    sort_differences,
)

__all__ = [
    "audit_store",
    "DEFAULT_THRESHOLD_M",
    "JSON_KEYS",
    "KINDS",
    "MISMATCH_FIELDS",
    "Difference",
    "audit",
    "check_consistency",
    "compare_dataset",
    "compare_map",
    "counts",
    "read_pins",
    "record_problems",
    "sort_differences",
]
