"""``python -m acltrace``: the offline command line."""
import sys

from .cli import main

sys.exit(main())
