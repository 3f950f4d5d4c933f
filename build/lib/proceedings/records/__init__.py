"""Reading input files (YAML, CSV) into records that remember their lines, typed field reading, and
the diagnostics every problem becomes. Imports ``util``."""
