"""The one model every output is derived from: workshop, papers, people, talks, program, recordings,
the indexes, citation keys, PDF facts as plain data, and where each page and file lives. Knows no
output; imports ``util`` and ``records``."""
