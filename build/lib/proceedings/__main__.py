"""The ``proceedings`` command, and ``python -m proceedings``. Kept light: each process a build
spawns imports this module again as its own main module, and Ctrl-C is handled from the command's
first moment, before the command line's imports (a second). A build starts Jupyter Book's fork
server in that moment too: it then imports Jupyter Book beside those imports, rather than after."""

import gc
import os
import signal
import sys

from .site.book_server import start_jupyter_book_server, stop_jupyter_book_server
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
    try:
        status = _status()
    finally:
        stop_jupyter_book_server()
    if status == INTERRUPTED:
        # Python's exit would wait for every process pool's queue to send what it holds to workers the
        # interruption ended; with its pipe full, that was forever (a trial's build hung after
        # "Interrupted.", deaf to a second Ctrl-C). Every file was written in one step, and the
        # children are ended: nothing is left to do.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


def _status() -> int:
    """The command line's exit status."""
    with interrupts_end_children():
        try:
            if _builds(sys.argv[1:]):
                # Jupyter Book's imports (a core for 0.8 s) begin now, beside the command's own
                # (0.2 s) rather than after them; a build that has nothing to do ends the server.
                start_jupyter_book_server()
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
    return status


def _builds(arguments: list[str]) -> bool:
    """Whether the command line asks for a build: its command is the first argument that is not an
    option, since the main parser has no option that takes a value (``serve`` also builds, but runs
    for long enough not to need the head start)."""
    return next((argument for argument in arguments if not argument.startswith("-")), None) == "build"


def _collect_rarely() -> None:
    """Let the cycle collector run rarely, and never again over what is alive once the command's
    modules are imported. For the command's process only: a program that imports the package keeps
    its own collector (and the tests theirs); Sphinx's process sets its own for its run
    (:mod:`proceedings.sphinxext.memory`)."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])


if __name__ == "__main__":
    raise SystemExit(main())
