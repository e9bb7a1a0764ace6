"""The ``ipcei`` command: :mod:`framework.cli.main` parses and dispatches; one module per group of sub-commands
(``db``, ``report``, ``workflow``, ``compare``), each imported only when its command runs."""

from framework.cli.main import EXIT_INVALID, EXIT_OK, EXIT_USAGE, build_parser, main

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
