"""The write rules' one registration: each rule's name, and whether it is on by default.

A rule's code is the module ``wikisync/sync/rules/<name>.py`` (its ``RULE``), which
``wikisync.sync.rules`` loads by this name. The names live here, below ``config``, because
``config`` checks ``[rules]`` against them at load time and may not import ``sync`` (which
imports ``config``). Plain data: this module imports nothing.
"""

from __future__ import annotations

# name -> on by default. The order is how the rules are listed (``--rule`` choices, a
# run's ``rules``); they run in it too, except that a rule following the hub's point
# (``map_links``: ``WriteRule.uses_point``) runs after the rules that may set it.
# ``dataset`` also follows ``[dataset] path`` when ``[rules]`` omits it (``config``).
RULES: dict[str, bool] = {
    "map_links": True,
    "dataset": False,
    "geocode": False,
}
