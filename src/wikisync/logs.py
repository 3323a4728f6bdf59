"""Log formatting: human lines or one JSON object per line, never with a secret in them."""

from __future__ import annotations

import json
import logging
import time

from wikisync.errors import redact


class RedactingFilter(logging.Filter):
    """Rewrite every record's message through ``errors.redact`` before it is emitted."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (time, level, logger, message) for journald or collectors."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        extra = getattr(record, "data", None)
        if isinstance(extra, dict):
            payload.update(extra)
        return json.dumps(payload, ensure_ascii=False)
