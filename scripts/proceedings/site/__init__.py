"""The website: Jupyter Book run on the project, the files published beside the pages, the search
index, the site zip, publishing. Imports ``outputs``, ``model`` and below."""
