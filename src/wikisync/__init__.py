"""wikisync: a MediaWiki bot for the ESS hubs wiki (records, sync, generation, audit, map)."""

__version__ = "0.1.0"
