"""Records read from the wiki and changes planned for it: plain data, no I/O."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Source = Literal["fiche", "row", "region"]

# Problem codes (README documents each). Unsafe ones forbid any automatic edit of the page.
UNSAFE_CODES = frozenset({"broken-template", "two-infoboxes", "unclosed-comment", "nobots",
                          "control-character"})
PROBLEM_CODES = (
    "duplicate-param",
    "unknown-type",
    "missing-type",
    "bad-coordinates",
    "no-coordinates",
    "bad-url",
    "two-infoboxes",
    "broken-template",
    "unclosed-comment",
    "nobots",
    "control-character",
)

# The public JSON field order of a record.
RECORD_FIELDS = (
    "title",
    "source",
    "name",
    "type",
    "region",
    "departement",
    "commune",
    "address",
    "postcode",
    "lat",
    "lon",
    "website",
    "founded",
    "legal_form",
    "members",
    "contact",
    "map_link",
    "fiche",
    "params",
    "problems",
)


@dataclass(frozen=True)
class Problem:
    """Something wrong on a page or in one template; ``unsafe`` forbids editing the page.

    ``param`` names the parameter concerned (for ``duplicate-param``: a write to that
    parameter is unsafe even though the code alone is not).
    """

    code: str
    detail: str = ""
    unsafe: bool = False
    param: str | None = None


@dataclass
class Record:
    """One hub (fiche infobox or Pôle ESS row) or one region header, as read from a page.

    ``instance`` is the index of the template among the page's templates of the same
    kind, in page order: it locates the template again for a write.
    """

    title: str
    source: Source
    name: str | None = None
    type: str | None = None
    region: str | None = None
    departement: str | None = None
    commune: str | None = None
    address: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    website: str | None = None
    founded: str | None = None
    legal_form: str | None = None
    members: str | None = None
    contact: str | None = None
    map_link: str | None = None
    fiche: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    instance: int = 0

    @property
    def problem_codes(self) -> list[str]:
        return [p.code for p in self.problems]

    @property
    def unsafe(self) -> bool:
        return any(p.unsafe for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form: the fields of RECORD_FIELDS, problems as codes."""
        data = asdict(self)
        data["problems"] = self.problem_codes
        return {key: data[key] for key in RECORD_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any], problems: list[Problem] | None = None,
                  instance: int = 0) -> Record:
        """Rebuild a record from its JSON form (problem details come separately)."""
        values = {key: data.get(key) for key in RECORD_FIELDS if key not in ("params", "problems")}
        record = cls(**values)  # type: ignore[arg-type]
        record.params = dict(data.get("params") or {})
        record.problems = problems if problems is not None else [
            Problem(code) for code in data.get("problems") or []
        ]
        record.instance = instance
        return record


@dataclass(frozen=True)
class Change:
    """One parameter to set on one template instance of one page, and the rule asking it."""

    title: str
    template: str  # which kind: the schema's template name
    instance: int
    param: str
    old: str | None
    new: str | None  # None removes the parameter
    rule: str
