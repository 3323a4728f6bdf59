"""One record from one template call: fields normalised, problems listed, nothing raised."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from mwparserfromhell.nodes import Template
from mwparserfromhell.nodes.extras import Parameter

from wikisync.model import Problem, Record, Source
from wikisync.parse.coords import Pair, parse_coordinates, parse_single
from wikisync.parse.names import JOINED_FIELDS, param_key
from wikisync.parse.values import fold_key, link_target_text, value_text
from wikisync.schema import Schema

# record fields read as plain normalised text
TEXT_FIELDS = (
    "name", "region", "departement", "commune", "address", "postcode",
    "founded", "legal_form", "members", "map_link",
)  # fmt: skip


_BARE_HOST = re.compile(r"^(?:[\w-]+\.)+[a-zA-Z]{2,}(?:[/?#]\S*)?$")


@dataclass
class Params:
    """A template's parameters by name, in page order; the last of duplicates wins."""

    by_name: dict[str, list[tuple[int, Parameter]]] = field(default_factory=dict)

    @classmethod
    def of(cls, template: Template) -> Params:
        """Group ``template``'s parameters by their MediaWiki name, keeping page positions."""
        params = cls()
        for index, param in enumerate(template.params):
            params.by_name.setdefault(param_key(str(param.name)), []).append((index, param))
        return params

    def last(self, name: str) -> tuple[int, Parameter] | None:
        """The parameter MediaWiki uses for ``name`` (its last occurrence) and its position."""
        found = self.by_name.get(name)
        return found[-1] if found else None

    def raw(self) -> dict[str, str]:
        """Every parameter's value as written (trimmed), the last of duplicates."""
        return {name: str(found[-1][1].value).strip() for name, found in self.by_name.items()}


class RecordReader:
    """Reads the records of one schema; holds the schema's lookup tables."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.names = {f: tuple(param_key(n) for n in schema.param_names(f)) for f in schema.params}
        self.types = {
            fold_key(variant): hub.key
            for hub in schema.types
            for variant in (hub.label, *hub.variants)
        }

    def read(self, template: Template, title: str, source: Source, instance: int) -> Record:
        """The record of one template call, with its own (non page-level) problems."""
        params = Params.of(template)
        record = Record(title=title, source=source, instance=instance, params=params.raw())
        problems: list[Problem] = []
        self._duplicates(params, problems)
        for name in TEXT_FIELDS:
            setattr(record, name, self._text(params, name))
        record.fiche = self._text(params, "fiche", targets=True)
        record.contact = self._contact(params)
        self._website(record, params, problems)
        if source != "region":
            self._type(record, params, problems)
        # A row naming its fiche takes its point from the fiche: no coordinates is no problem.
        required = source == "fiche" or (source == "row" and not record.fiche)
        self._coordinates(record, params, problems, required=required)
        _defaults(record, title)
        record.problems = problems
        return record

    def _present(self, params: Params, record_field: str) -> list[tuple[int, str, Parameter]]:
        """The parameters the template has for ``record_field``: (position, name, parameter)."""
        found = []
        for name in self.names.get(record_field, ()):
            last = params.last(name)
            if last is not None:
                found.append((last[0], name, last[1]))
        return sorted(found, key=lambda item: item[0])

    def _text(self, params: Params, record_field: str, targets: bool = False) -> str | None:
        """A field's normalised value; among several alias names, the last non-empty one."""
        value = None
        for _, _, param in self._present(params, record_field):
            text = link_target_text(param.value) if targets else value_text(param.value)
            value = text or value
        return value

    def _duplicates(self, params: Params, problems: list[Problem]) -> None:
        """``duplicate-param`` for a name given twice, or a field given under two names."""
        for name, found in params.by_name.items():
            if len(found) > 1:
                problems.append(
                    Problem("duplicate-param", f"{name} given {len(found)} times", param=name)
                )
        for record_field, names in self.names.items():
            present = self._present(params, record_field)
            if record_field not in JOINED_FIELDS and len(present) > 1:
                given = " / ".join(name for _, name, _ in present)
                problems.append(
                    Problem("duplicate-param", f"{given}: one field, two names", param=names[0])
                )

    def _contact(self, params: Params) -> str | None:
        """Contact, e-mail and phone are distinct parameters: values joined in schema order."""
        found = (params.last(name) for name in self.names.get("contact", ()))
        values = [value_text(last[1].value) for last in found if last is not None]
        return "; ".join(v for v in values if v) or None

    def _website(self, record: Record, params: Params, problems: list[Problem]) -> None:
        """The website as a bare URL, or ``bad-url`` when it is not an http(s) URL."""
        url = self._text(params, "website")
        if url and _BARE_HOST.match(url):
            url = "http://" + url  # ``www.example.fr``: the scheme is implied
        if url and not is_http_url(url):
            problems.append(Problem("bad-url", url, param=self.names["website"][0]))
            url = None
        record.website = url

    def _type(self, record: Record, params: Params, problems: list[Problem]) -> None:
        """The type key, matched case-, accent- and apostrophe-insensitively."""
        text = self._text(params, "type")
        if not text:
            problems.append(Problem("missing-type", param=self.names["type"][0]))
            return
        record.type = self.types.get(fold_key(text))
        if record.type is None:
            problems.append(Problem("unknown-type", text, param=self.names["type"][0]))

    def _coordinates(self, record: Record, params: Params, problems: list[Problem],
                     required: bool) -> None:
        """Latitude/longitude from lat/lon parameters, else from ``coordonnées``."""
        found: list[Pair] = []
        bad: list[str] = []
        lat_text, lon_text = self._text(params, "lat"), self._text(params, "lon")
        if lat_text or lon_text:
            lat = parse_single(lat_text or "", latitude=True)
            lon = parse_single(lon_text or "", latitude=False)
            if lat is not None and lon is not None:
                found.append((lat, lon))
            else:
                bad.append(f"{lat_text or '?'} / {lon_text or '?'}")
        for _, _, param in self._present(params, "coordinates"):
            text = value_text(param.value)
            pair = parse_coordinates(param.value) if text else None
            if pair is not None:
                found.append(pair)
            elif text:
                bad.append(text)
        if bad:
            problems.append(Problem("bad-coordinates", "; ".join(bad)))
        if found:
            record.lat, record.lon = found[0]
        elif required and not bad:
            problems.append(Problem("no-coordinates"))


def _defaults(record: Record, title: str) -> None:
    """Fallback names: a fiche takes its title, a region its ``région``, a row its fiche."""
    if record.source == "fiche" and not record.name:
        record.name = title or None
    elif record.source == "region":
        record.name = record.region or title or None
    elif record.source == "row" and not record.name:
        record.name = record.fiche


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host and no whitespace."""
    if any(ch.isspace() for ch in url):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)
