"""The generated MyST pages: papers, listings, indexes, program and talks, materials. Imports
``outputs``, ``model`` and below."""
