"""``python -m proceedings``: the same as the ``proceedings`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
