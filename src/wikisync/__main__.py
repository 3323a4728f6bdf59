"""Allow ``python -m wikisync``."""

from wikisync.cli import main

main()
