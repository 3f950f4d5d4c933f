"""The ``proceedings`` command, and ``python -m proceedings``. Kept light: each process a build
spawns imports this module again as its own main module, and Ctrl-C is handled from the command's
first moment, before the command line's imports (a second)."""

import os
import signal
import sys

from .util.processes import INTERRUPTED, interrupted_by, interrupts_end_children

BROKEN_PIPE = 128 + signal.SIGPIPE
"""The exit status of a command whose output's reader went away, as shells report one killed by SIGPIPE."""


def main() -> int:
    """Run the command line, which ends its child processes when interrupted; 130 when interrupted."""
    with interrupts_end_children():
        try:
            from .cli import main as command  # here, so that spawned processes do not import it

            status = command()
            # Finished: a Ctrl-C from here to the exit would only turn a finished command's status into
            # death by SIGINT, without a word (the trial saw it after "Built in").
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except BrokenPipeError:
            # Its reader has gone (`proceedings check | head -1`): a shell's tools end silently then,
            # and so does the command, without the traceback of each later write (Python's own at exit too).
            for stream in (sys.stdout, sys.stderr):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
            return BROKEN_PIPE
        # The command itself says what an interruption left; one here came as it loaded, or after.
        except (KeyboardInterrupt, Exception) as error:
            if not interrupted_by(error):
                raise
            print("\nInterrupted.", file=sys.stderr)
            status = INTERRUPTED
    if status == INTERRUPTED:
        # Python's exit would wait for every process pool's queue to send what it holds to workers the
        # interruption ended; with its pipe full, that was forever (a trial's build hung after
        # "Interrupted.", deaf to a second Ctrl-C). Every file was written in one step, and the
        # children are ended: nothing is left to do.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
