"""The ground floor: text and LaTeX helpers, MyST escaping, atomic file writes, progress. Imports
nothing of the package."""
