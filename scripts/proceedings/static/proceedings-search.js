// The search page: Pagefind's default UI, started with the query from ?q= (the theme's search box
// submits there). Filters and the authors line come from the pages' data-pagefind-* elements.
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  const ui = new PagefindUI({element: "#proceedings-search", showSubResults: false, showImages: false});
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
});
