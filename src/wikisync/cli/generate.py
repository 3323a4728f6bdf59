"""``wikisync generate`` (list blocks, map page) and ``wikisync create`` (new fiches)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from wikisync.api import Gateway
from wikisync.cli.datasetopts import dataset_read_options
from wikisync.cli.flags import config_with_flags
from wikisync.cli.main import AppContext, cli, locked_store, pass_app, store_option
from wikisync.cli.sync import outcome_line, reporter
from wikisync.dataset import load_dataset
from wikisync.errors import EXIT_DIFFERENCES, UsageError
from wikisync.generate.fiches import FichePlan, create_fiches, plan_fiches
from wikisync.generate.mapblock import check_extension
from wikisync.generate.run import GenerateResult, generate_blocks, publish_map_page, wiki_messages
from wikisync.generate.templates import environment
from wikisync.store import Store
from wikisync.store.runs import RunKind
from wikisync.sync.pull import pull
from wikisync.sync.wiki import connect_store
from wikisync.ui import progress_for
from wikisync.write import PageWriter, Status, Tally, WriteOutcome, WriteSession

MAX_LISTED = 15



@contextmanager
def writing(app: AppContext, store: Store, gateway: Gateway, kind: RunKind,
            dry_run: bool) -> Iterator[PageWriter]:
    """The command's write session (budget: ``[safety] max_edits``), printing each outcome
    and, on a long run, when the next edit goes (``ui``; not with -q or in a dry run)."""
    waits = progress_for(quiet=app.verbosity < 0 or dry_run)
    try:
        with WriteSession(gateway, store, app.config, kind, dry_run=dry_run,
                          out=reporter(app, colour=sys.stdout.isatty()),
                          on_wait=waits.on_wait) as session:
            yield session.writer
    finally:
        waits.close()


def _pull_first(app: AppContext, gateway: Gateway, store: Store, no_pull: bool) -> None:
    """An incremental pull (new openers, new fiches), unless ``--no-pull``."""
    if not no_pull:
        result = pull(gateway, store, app.config)
        app.say(f"pull ({result.mode}): {result.pages_read} pages read")


def _done_line(outcomes: list[WriteOutcome], dry_run: bool) -> str:
    """Counts of the outcomes (the one tally), for the summary."""
    tally = Tally.of(outcomes)
    done = f"would write: {tally.count(Status.DRY_RUN)}" if dry_run else (
        f"written: {tally.count(Status.EDITED, Status.CREATED)}")
    return (f"{done}, unchanged: {tally.count(Status.UNCHANGED)}, "
            f"skipped: {tally.count(Status.SKIPPED)}, not tried: {tally.count(Status.STOPPED)}")


def _listed(lines: list[str]) -> list[str]:
    """At most MAX_LISTED lines, then how many more."""
    shown = lines[:MAX_LISTED]
    return shown + ([f"... and {len(lines) - MAX_LISTED} more"] if len(lines) > MAX_LISTED else [])


def generate_summary(result: GenerateResult, dry_run: bool) -> list[str]:
    """The end-of-run lines of ``generate``."""
    lines = [f"blocks: {result.pages_with_blocks} stored pages with a list; "
             f"{len(result.outcomes)} to regenerate",
             _done_line(result.outcomes, dry_run)]
    lines += _listed([f"  {outcome_line(o)}" for o in result.outcomes if o.failed])
    lines += _listed([f"list error: {title}: {error}" for title, error in result.errors])
    lines += _listed([f"not regenerated: {title} ({reason}: {detail})"
                      for title, reason, detail in result.refused])
    lines += _listed([f"note: {note}" for note in result.notes])
    lines += _listed([f"list-opener-ignored: {title}: {where} (not filled; see docs/generate.md,"
                      " where lists may be placed)" for title, where in result.misplaced])
    return lines


@cli.command("generate")
@click.argument("titles", nargs=-1)
@click.option("--map-page", "map_page", metavar="TITLE",
              help="Also write the map (Kartographer or Maps) into this page's map block, "
                   "if changed; refused (exit 2) when the wiki lacks the extension.")
@click.option("--no-append", is_flag=True,
              help="With --map-page: leave a page without a map block alone (exit 1) "
                   "instead of appending the block.")
@click.option("--no-blocks", is_flag=True, help="Do not regenerate the list blocks.")
@click.option("--region-blocks/--no-region-blocks", default=None,
              help="Give region pages without a list one (default: [generate] region_blocks).")
@click.option("--prefix", "prefixes", multiple=True,
              help="Only pages whose title starts with this (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show each page's diff; write nothing.")
@click.option("--no-pull", is_flag=True, help="Use the store as it is (no pull first).")
@click.option("--max-edits", type=click.IntRange(min=0), help="Make at most N edits.")
@store_option
@pass_app
def generate_command(app: AppContext, titles: tuple[str, ...], map_page: str | None,
                     no_append: bool, no_blocks: bool, region_blocks: bool | None,
                     prefixes: tuple[str, ...], dry_run: bool, no_pull: bool, max_edits: int | None,
                     store_path: str | None) -> None:
    """Regenerate the hub lists between {{Liste pôles ESS}} and {{Fin liste pôles ESS}}.

    Without TITLE, every stored page whose list would change; with TITLEs, those pages
    (read fresh). Only the text between the two templates is rewritten. Pulls first.
    --map-page writes only between <!-- début carte wikisync --> and <!-- fin carte
    wikisync -->: a new page is created with the block, a page without one gets it at
    its end (before its categories) unless --no-append.
    Exit 0 done, 1 a page left undone, a list with wrong parameters or an opener placed
    where no list can be written (list-opener-ignored), 2 the wiki lacks the map
    extension (nothing written), 3 wiki stopped us.

    \b
    Example:
      wikisync generate --dry-run
      wikisync generate "Pôles ESS en Bretagne"
      wikisync generate --no-blocks --map-page "Carte des pôles ESS"
    """
    config = config_with_flags(app, region_blocks=region_blocks, max_edits=max_edits)
    with locked_store(app, "generate", store_path) as store:
        gateway = connect_store(config.require_wiki(), store)
        if map_page:
            check_extension(config, gateway.extensions(), map_page)
        _pull_first(app, gateway, store, no_pull)
        with writing(app, store, gateway, RunKind.GENERATE, dry_run) as writer:
            result = GenerateResult()
            if not no_blocks:
                result = generate_blocks(
                    writer, store, config, titles=titles or None,
                    in_scope=lambda title: not prefixes or title.startswith(prefixes))
            if map_page:
                publish_map_page(writer, store, config, map_page, gateway.extensions(),
                                 append=not no_append, result=result)
    for line in generate_summary(result, dry_run):
        app.say(line)
    if writer.stopped:
        app.say(f"stopped: {writer.stopped}")
    if result.exit_code:
        raise click.exceptions.Exit(result.exit_code)


def create_summary(plan: FichePlan, outcomes: list[WriteOutcome], dry_run: bool) -> list[str]:
    """The end-of-run lines of ``create``."""
    lines = [f"new fiches: {len(plan.fiches) + plan.more} planned", _done_line(outcomes, dry_run)]
    if plan.more:
        lines.append(f"  {plan.more} more left for a later run (max_edits: not read, not rendered)")
    lines += _listed([f"  {outcome_line(o)}" for o in outcomes if o.failed])
    lines += _listed([f"note: {note}" for note in plan.notes])
    return lines


@cli.command("create")
@click.option("--dataset", "dataset_path", type=click.Path(dir_okay=False, exists=True),
              help="Reference dataset: CSV, .xlsx/.ods or GeoJSON (default: [dataset] path).")
@dataset_read_options
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Create only the fiche of this hub (repeatable).")
@click.option("--title-pattern", metavar="PATTERN",
              help="Title of a new fiche: {name}, {commune}, {region}, {departement} "
                   "(default: [generate] fiche_title, else {name}).")
@click.option("--include-rows", is_flag=True,
              help="Also create fiches for hubs the wiki lists only as a region page row.")
@click.option("--dry-run", is_flag=True, help="Show each new page; write nothing.")
@click.option("--no-pull", is_flag=True, help="Use the store as it is (no pull first).")
@click.option("--max-edits", type=click.IntRange(min=0), help="Create at most N pages.")
@store_option
@pass_app
def create_command(app: AppContext, dataset_path: str | None, encoding: str | None,
                   sheet: str | None, only: tuple[str, ...],
                   title_pattern: str | None, include_rows: bool, dry_run: bool,
                   no_pull: bool, max_edits: int | None, store_path: str | None) -> None:
    """Create a fiche for each dataset hub that has no page on the wiki yet.

    Create-only: an existing page is never overwritten (a title taken meanwhile is
    skipped and reported). Each page is journalled like any edit. Pulls first.
    Exit 0 done, 1 some fiches not created, 2 usage error, 3 wiki stopped us.

    \b
    Example:
      wikisync create --dataset pôles.csv --dry-run
      wikisync create --dataset pôles.csv --only "Pôle ESS de Quimper"
    """
    config = config_with_flags(app, dataset_path=dataset_path, encoding=encoding, sheet=sheet,
                               title_pattern=title_pattern, max_edits=max_edits)
    path = config.dataset.path
    if not path:
        raise UsageError("no dataset: give --dataset FILE or set [dataset] path")
    dataset = load_dataset(path, config.schema, encoding=config.dataset.encoding,
                           sheet=config.dataset.sheet)
    with locked_store(app, "create", store_path) as store:
        gateway = connect_store(config.require_wiki(), store)
        _pull_first(app, gateway, store, no_pull)
        plan = plan_fiches(dataset, list(store.records()), config.schema,
                           environment(config.generate.templates,
                                       wiki_messages(config, store)),
                           pattern=config.generate.fiche_title,
                           only=only, include_rows=include_rows,
                           limit=config.safety.max_edits)
        with writing(app, store, gateway, RunKind.CREATE, dry_run) as writer:
            outcomes = create_fiches(writer, plan)
    for line in create_summary(plan, outcomes, dry_run):
        app.say(line)
    if any(o.failed for o in outcomes) or (only and plan.notes):
        raise click.exceptions.Exit(EXIT_DIFFERENCES)

