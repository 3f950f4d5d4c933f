"""What the model becomes outside the book's pages: citations in every format, the calendar, the
volume PDF, first-page previews, sample PDFs. Imports ``model`` and below."""
