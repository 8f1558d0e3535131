"""``python -m bptutor`` is the ``bptutor`` command."""
import sys

from .cli import main

sys.exit(main())
