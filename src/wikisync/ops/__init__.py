"""Operations: the scheduled cycle (``run``), the run lock, ``status``, ``init``, templates.

Core only (no click): the commands in ``wikisync.cli.ops`` call these and print. Import the
modules themselves (``wikisync.ops.cycle``, ``wikisync.ops.lock``…): this package re-exports
nothing, so that taking the run lock does not import the whole cycle.
"""
