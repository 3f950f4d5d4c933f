"""``python -m proceedings``: the same as the ``proceedings`` command."""

from .cli import main

raise SystemExit(main())
