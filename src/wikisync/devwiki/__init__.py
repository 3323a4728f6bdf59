"""A real MediaWiki 1.39 for tests and development, and a fault-injecting proxy in front of it.

Command line::

    python -m wikisync.devwiki start  [--dir DIR] [--port N] [--json] [--fresh]
    python -m wikisync.devwiki status [--dir DIR] [--json]    # exit 1 when stopped
    python -m wikisync.devwiki stop   [--dir DIR]

Python::

    wiki = DevWiki.start(tmp_dir)          # installs on first use, then serves
    wiki.api_url, wiki.index_url           # http://127.0.0.1:<port>/api.php, /index.php
    wiki.bot_username, wiki.bot_password   # "WikisyncBot@wikisync" + BotPassword
    wiki.editor_username, wiki.editor_password  # "Marie Dupont@wikisync": ordinary user
    wiki.admin_username, wiki.admin_password    # "Admin@wikisync": sysop (delete, protect, block)
    wiki.import_pages({"Titre": "wikitexte", "Modèle:X": "..."})   # fast bulk seeding
    wiki.run_maintenance("protect", "--user", "Admin", "Titre")     # any maintenance script
    wiki.run_jobs()                        # the job queue only runs when asked
    wiki.set_read_only("raison") / wiki.set_read_only(None)
    wiki.stop()

    with FaultProxy(wiki.api_url) as proxy:
        proxy.inject(Fault.maxlag(lag=7))                      # next request gets maxlag
        proxy.inject(Fault.http_status(503, retry_after=3, method="POST"))
        proxy.inject(Fault.api_error("readonly", action="edit", times=2))
        proxy.inject(Fault.reset(after_forward=True, action="edit"))  # saved, answer lost
        client_on(proxy.api_url); proxy.count(action="edit", method="POST")

The wiki: ``install.php --lang fr`` on SQLite (WAL, ``synchronous=OFF``) in DIR, served by
``php -S 127.0.0.1:<port> -t /usr/share/mediawiki`` (one worker) with
``MW_CONFIG_FILE=DIR/LocalSettings.php``; /usr/share/mediawiki and /etc are never
written. ``DIR/DevSettings.php`` (rewritten at each start, required at the end of
LocalSettings.php) moves Debian's /var paths into DIR and sets: BotPasswords on, no rate
limits or login throttles, ``$wgJobRunRate = 0`` (call ``run_jobs()``), sessions in the
DB, ``$wgReadOnlyFile = DIR/readonly``, ParserFunctions and Cite loaded. ``$wgRCMaxAge``
and the rest keep MediaWiki's defaults. Templates live in ``Modèle:`` (namespace 10).
Anonymous editing is allowed, as on a default wiki.

Accounts: ``WikisyncBot`` (group ``bot``: rights ``bot``, ``apihighlimits``; not sysop),
``Marie Dupont`` (autoconfirmed, no ``bot``), ``Admin`` (sysop, bureaucrat). Each has a
BotPassword ``<name>@wikisync`` (32 chars of ``[0-9a-v]``; other shapes fail to log in).
Everything, passwords included, is in ``DIR/devwiki.json`` (mode 0600).

``import_pages`` runs ``importDump.php`` on a generated XML dump: one real revision per
page, timestamped now, attributed to the editor by default, text stored as an edit
would store it (LF, trailing whitespace trimmed; ``raw=True`` to skip), link tables
updated (so ``embeddedin`` finds the pages), about 120 pages/s (0.2 s for 10 pages,
0.8 s for 100), against about 25-50 ms per API edit. It makes no recentchanges rows
unless ``recent_changes=True``. Each created page queues htmlCacheUpdate jobs, which
only ``run_jobs()`` runs.

Starting a fresh wiki takes about 1.5 s, restarting an installed one about 0.4 s. A
port chosen automatically is replaced if another process takes it first. Missing
Debian packages are installed with apt-get update + install (needs root).
"""

from wikisync.devwiki.client import MiniClient
from wikisync.devwiki.faults import Fault, SeenRequest
from wikisync.devwiki.install import DevWikiError
from wikisync.devwiki.launcher import Account, DevWiki
from wikisync.devwiki.proxy import FaultProxy

__all__ = [
    "Account",
    "DevWiki",
    "DevWikiError",
    "Fault",
    "FaultProxy",
    "MiniClient",
    "SeenRequest",
]
