"""The ``proceedings`` command, and ``python -m proceedings``. Kept light: each process a build
spawns imports this module again as its own main module, and Ctrl-C is handled from the command's
first moment, before the command line's imports (a second)."""

import signal
import sys

from .util.processes import interrupts_end_children


def main() -> int:
    """Run the command line, which ends its child processes when interrupted; 130 when interrupted."""
    with interrupts_end_children():
        try:
            from .cli import main as command  # here, so that spawned processes do not import it

            status = command()
            # Finished: a Ctrl-C from here to the exit would only turn a finished command's status into
            # death by SIGINT, without a word (the trial saw it after "Built in").
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            return status
        except KeyboardInterrupt:  # while it loads: the command itself says what an interruption left
            print("\nInterrupted.", file=sys.stderr)
            return 130


if __name__ == "__main__":
    raise SystemExit(main())
