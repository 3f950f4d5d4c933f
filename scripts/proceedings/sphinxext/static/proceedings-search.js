// The search page: Pagefind's default UI, started with the query from ?q= (the theme's search box
// submits there). Filters and the authors line come from the pages' data-pagefind-* elements.
// Large volumes index their papers in shards (see proceedings/site/search.py); pagefind/merge.json lists
// them, relative to the main bundle, and the UI merges their results with its own.
"use strict";

window.addEventListener("DOMContentLoaded", async () => {
  const script = document.querySelector('script[src$="pagefind/pagefind-ui.js"]');
  const bundle = new URL(".", script.src);
  let shards = [];
  try {
    const response = await fetch(new URL("merge.json", bundle));
    if (response.ok) {
      shards = await response.json();
    }
  } catch (error) {
    console.warn("Search: the list of index shards could not be read; searching the main index only.", error);
  }
  const ui = new PagefindUI({
    element: "#proceedings-search", showSubResults: false, showImages: false, bundlePath: bundle.pathname,
    mergeIndex: shards.map((path) => ({bundlePath: new URL(path, bundle).pathname})),
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
});
