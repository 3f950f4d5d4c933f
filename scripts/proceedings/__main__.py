"""The ``proceedings`` command, and ``python -m proceedings``. Kept light: each process a build
spawns imports this module again as its own main module, and Ctrl-C is handled from the command's
first moment, before the command line's imports (a second)."""

import gc
import os
import signal
import sys

from .util.processes import INTERRUPTED, interrupted_by, interrupts_end_children

BROKEN_PIPE = 128 + signal.SIGPIPE
"""The exit status of a command whose output's reader went away, as shells report one killed by SIGPIPE."""
YOUNG_COLLECTION_AFTER = 100_000
"""How many more objects made than freed start a collection of the youngest generation (Python's
default is 700). A build makes objects that live until it ends (the model, the pages' texts), few in
cycles: by default, an edited abstract's rebuild at 1,000 papers ran 666 collections, 0.2-0.5 s of
its 2.4 s, and now runs 96 in 0.06 s, for at most a few MB of garbage waiting longer."""


def main() -> int:
    """Run the command line, which ends its child processes when interrupted; 130 when interrupted."""
    with interrupts_end_children():
        try:
            from .cli import main as command  # here, so that spawned processes do not import it

            _collect_rarely()
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


def _collect_rarely() -> None:
    """Let the cycle collector run rarely, and never again over what is alive once the command's
    modules are imported. For the command's process only: a program that imports the package keeps
    its own collector (and the tests theirs); Sphinx's process sets its own for its run
    (:mod:`proceedings.sphinxext.memory`)."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])


if __name__ == "__main__":
    raise SystemExit(main())
