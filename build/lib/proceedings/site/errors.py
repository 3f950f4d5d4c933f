"""How building or publishing the site reports that it failed."""

from __future__ import annotations

from ..records.diagnostics import Diagnostics


class BuildError(Exception):
    """A stage of the build failed after the inputs were validated; the message says which and why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.diagnostics = Diagnostics()
        """What the build had found before it failed (the inputs' warnings, Jupyter Book's), to be
        reported with the failure: the next build may not find them again (Sphinx reads a page once)."""


class InputsChanged(BuildError):
    """An input changed while the build read them: its site could hold a half-written copy, and is
    not published (the last site stays). The message does not say what to do: ``build`` is run
    again, ``serve`` runs again by itself."""

    def __init__(self, changed: list[str]):
        super().__init__(f"{', '.join(changed)} changed while this build ran: its site could hold a half-written copy, "
                         "and was not published (the last site stays).")
        self.changed = changed
        """The changed inputs, by their paths (or the part: ``package``, ``software``, ``options``)."""


class PublishError(Exception):
    """Publishing could not be done; the message says what the organizer should do."""
