"""``wikisync watch``: follow the wiki's recent changes and hand each settled page to ops.

``poll`` asks the wiki once per poll (one ``list=recentchanges`` request when nothing
happened), ``pending`` coalesces bursts (a page is handled once it has been left alone for
``[watch] quiet`` seconds), ``pacer`` sets the next poll (backing off when idle or when the
wiki is away), ``stop`` turns SIGTERM/SIGINT into a clean stop, ``heartbeat`` tells
``status`` the watcher is alive, and ``loop.Watcher`` ties them. What to do for a page is
not decided here: ``ops.watch`` (above) is the handler that pulls and writes.
"""
