"""Loading a project into the model: ``papers/`` with every problem as a diagnostic, PDF facts (pypdf,
cached), the OpenReview import, and checks of the project around ``papers/``. Imports ``model`` and below."""
