"""``python -m mulu`` is the ``mulu`` command."""

import sys

from .cli import main

sys.exit(main())
