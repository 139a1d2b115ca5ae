"""Subcommands of the ``mulu`` CLI, one module each."""
