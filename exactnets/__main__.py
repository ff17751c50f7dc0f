"""``python -m exactnets`` is the ``exactnets`` command."""

import sys

from exactnets.cli import main

sys.exit(main())
