"""The end-of-run summary of ``wikisync run``: one JSON object for monitoring, or lines.

``summary`` is also what the run log keeps as the cycle's counts (``status`` reads it).
Its keys (``SUMMARY_KEYS``) are documented in docs/operations.md; add, never rename.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wikisync.ops.cycle import CycleResult

SUMMARY_KEYS = ("status", "exit_code", "run_id", "started", "seconds", "dry_run", "no_write",
                "pull", "pages_read", "edits", "skips", "problems", "requests", "store",
                "exports", "audit", "notes", "error", "known")


def edits_by_rule(result: CycleResult) -> dict[str, int]:
    """Pages saved (or, in a dry run, that would be) per rule; one page may count for two."""
    return dict(sorted(result.tally.by_rule.items()))


def skips_by_reason(result: CycleResult) -> dict[str, int]:
    """Pages left undone per reason: refused at planning or at writing, or not tried."""
    counts: Counter[str] = Counter(result.tally.by_reason)
    if result.sync is not None:
        counts.update(note.kind for note in result.sync.plan.refused)
    if result.generate is not None:
        counts.update(reason for _, reason, _ in result.generate.refused)
        counts.update("list-error" for _ in result.generate.errors)
    return dict(sorted(counts.items()))


def pages_read(result: CycleResult) -> int:
    """Pages the cycle's pulls read from the wiki."""
    return sum(p.pages_read for p in (result.pull, result.refresh) if p is not None)


def _total(counts: Mapping[str, int], key: str) -> dict[str, Any]:
    return {"total": sum(counts.values()), key: dict(counts)}


def _audit(result: CycleResult) -> dict[str, Any] | None:
    audit = result.audit
    if audit is None:
        return None
    published = result.published
    return {"differences": audit.differences, "by_kind": audit.by_kind,
            "report": audit.report, "report_changed": audit.report_changed,
            "published": published.status if published else None}


def summary(result: CycleResult) -> dict[str, Any]:
    """The summary as plain data (``SUMMARY_KEYS``, in that order)."""
    options = result.options
    data = {
        "status": result.status, "exit_code": result.exit_code, "run_id": result.run_id,
        "started": result.started, "seconds": round(result.seconds, 3),
        "dry_run": options.dry_run, "no_write": options.no_write,
        "pull": result.pull.mode if result.pull else None, "pages_read": pages_read(result),
        "edits": _total(edits_by_rule(result), "by_rule") | {"total": len(result.edits)},
        "skips": _total(skips_by_reason(result), "by_reason"),
        "problems": _total(result.problems, "by_code"),
        "requests": _total(result.requests, "by_kind"),
        "store": {"pages": result.pages, "records": result.records,
                  "checkpoint": result.checkpoint},
        "exports": [{"format": e.key, "path": e.path, "items": e.items, "changed": e.changed}
                    for e in result.exports],
        "audit": _audit(result), "notes": list(result.notes), "error": result.error,
        "known": [{"title": title, "reason": reason, "since_run": run}
                  for (title, reason), run in sorted(result.known.items())],
    }
    return {key: data[key] for key in SUMMARY_KEYS}


def counted(counts: Mapping[str, int]) -> str:
    """``a 2, b 1`` (or ``none``)."""
    return ", ".join(f"{key} {n}" for key, n in counts.items()) or "none"


def summary_lines(data: Mapping[str, Any]) -> list[str]:
    """The human summary, from ``summary``'s data."""
    kind = "run (dry run)" if data["dry_run"] else "run"
    lines = [f"{kind} [run {data['run_id']}] {data['status']} in {data['seconds']:.2f} s"]
    store = data["store"]
    lines.append(f"pull ({data['pull'] or 'not done'}): {data['pages_read']} pages read; "
                 f"store: {store['pages']} pages, {store['records']} records")
    verb = "would edit" if data["dry_run"] else "edits"
    edits, skips = data["edits"], data["skips"]
    lines.append(f"{verb}: {edits['total']} ({counted(edits['by_rule'])})")
    lines.append(f"skipped: {skips['total']} ({counted(skips['by_reason'])})")
    lines += [f"  known, unchanged since run {k['since_run']}: {k['title']} ({k['reason']})"
              for k in data.get("known", [])]
    problems = data["problems"]
    lines.append(f"problems: {problems['total']} ({counted(problems['by_code'])})")
    lines.extend(_export_lines(data["exports"], data["dry_run"]))
    lines.extend(_audit_lines(data["audit"]))
    lines.extend(f"note: {note}" for note in data["notes"])
    requests = data["requests"]
    lines.append(f"requests: {requests['total']} ({counted(requests['by_kind'])})")
    if data["error"]:
        lines.append(f"error: {data['error']}")
    return lines


def _export_lines(exports: Iterable[Mapping[str, Any]], dry_run: bool) -> list[str]:
    changed = "would change" if dry_run else "written"
    return [f"export {e['format']}: {e['path']} ({e['items']} items, "
            f"{changed if e['changed'] else 'unchanged'})" for e in exports]


def _audit_lines(audit: Mapping[str, Any] | None) -> list[str]:
    if audit is None:
        return []
    line = f"audit: {audit['differences']} differences ({counted(audit['by_kind'])})"
    if audit["report"]:
        line += f", report {audit['report']}"
    if audit["published"]:
        line += f", published: {audit['published']}"
    return [line]
