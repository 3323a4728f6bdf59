"""The revert unit."""
