"""``python -m qdgain_core``: the command-line interface (see ``qdgain_core.cli``)."""

import sys

from .cli import main

sys.exit(main())
