"""How building or publishing the site reports that it failed."""


class BuildError(Exception):
    """A stage of the build failed after the inputs were validated; the message says which and why."""


class PublishError(Exception):
    """Publishing could not be done; the message says what the organizer should do."""
