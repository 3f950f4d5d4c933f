"""The ``proceedings`` command, and ``python -m proceedings``. Kept light: each process a build
spawns imports this module again as its own main module, and Ctrl-C is handled from the command's
first moment, before the command line's imports (a second)."""

import sys

from .util.processes import interrupts_end_children


def main() -> int:
    """Run the command line, which ends its child processes when interrupted; 130 when interrupted."""
    with interrupts_end_children():
        try:
            from .cli import main as command  # here, so that spawned processes do not import it

            return command()
        except KeyboardInterrupt:  # while it loads: the command itself says what an interruption left
            print("\nInterrupted.", file=sys.stderr)
            return 130


if __name__ == "__main__":
    raise SystemExit(main())
