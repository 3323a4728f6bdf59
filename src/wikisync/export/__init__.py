"""Exports of stored records; ``EXPORTERS`` maps a format name to its writer."""

from wikisync.export.records import EXPORTERS, Exporter, register, write_csv, write_json

__all__ = ["EXPORTERS", "Exporter", "register", "write_csv", "write_json"]
