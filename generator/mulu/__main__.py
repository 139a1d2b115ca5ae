"""``python -m mulu`` is the ``mulu`` command."""

import sys

from mulu.cli import main

sys.exit(main())
