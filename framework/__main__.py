"""``python -m framework`` is the ``ipcei`` command."""

import sys

from framework.cli import main

sys.exit(main())
