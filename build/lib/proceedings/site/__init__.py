"""The website: Jupyter Book run on the project, the files published beside the pages, the search
index, the site zip, publishing, the local preview, and the error a failed stage raises. Imports
``outputs``, ``model`` and below."""
