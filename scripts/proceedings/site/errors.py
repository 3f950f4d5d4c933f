"""How a stage of the site's build reports that it failed."""


class BuildError(Exception):
    """A stage of the build failed after the inputs were validated; the message says which and why."""
