// The search page: Pagefind's default UI, started with the query from ?q= (the theme's search box
// submits there), which then follows the query typed. Filters and the authors line come from the
// pages' data-pagefind-* elements.
// Large volumes index their papers in shards (see proceedings/site/search.py); pagefind/merge.json lists
// them, relative to the main bundle, and the UI merges their results with its own, leaving out the
// revisions of pages the shards hold that merge.json names as superseded (proceedings/sphinxext/search_api/pagefind.js).
"use strict";

// This script, whose folder holds the module the interface imports Pagefind's API from, in the folder
// its data-search-api attribute names (below).
const SCRIPT = document.currentScript;

// Opened as a file (the offline zip), the browser refuses Pagefind its index: say what to do instead
// of waiting for results that never come.
const FILE_MESSAGE = "Search needs the site served over HTTP: in the unzipped folder run " +
  "\u201cpython3 -m http.server\u201d and open http://localhost:8000/search.html, or ";

// The message of a search page opened as a file, with a link to the same search in the online
// archive when its address is known (onlineAddress, in proceedings.js).
function fileMessage() {
  const message = document.createElement("p");
  message.className = "proceedings-search-offline";
  const online = onlineAddress();
  if (!online) {
    message.textContent = FILE_MESSAGE + "use the online archive.";
    return message;
  }
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    online.searchParams.set("q", query);
  }
  const link = document.createElement("a");
  link.href = online.href;
  link.textContent = query ? `search the online archive for \u201c${query}\u201d` : "search the online archive";
  message.append(FILE_MESSAGE, link, ".");
  return message;
}

// Shown while the browser is offline.
const OFFLINE_MESSAGE = "You are offline: search needs the connection to read its index, and searches again once it is back.";

window.addEventListener("DOMContentLoaded", async () => {
  if (window.location.protocol === "file:") {
    document.querySelector("#proceedings-search").replaceChildren(fileMessage());
    return;
  }
  const script = document.querySelector('script[src$="pagefind/pagefind-ui.js"]');
  const bundle = new URL(".", script.src);
  let merged = null;
  try {
    merged = await mergedIndex(bundle);
  } catch (error) {
    console.warn("Search: the list of index shards could not be read; searching the main index only.", error);
  }
  // The interface imports Pagefind's API from its bundlePath: ours, which puts the pages holding every
  // word first across the shards (proceedings/sphinxext/search_api/pagefind.js), then loads the main index as usual.
  const ui = new PagefindUI({
    element: "#proceedings-search", showSubResults: false, showImages: false,
    bundlePath: new URL(SCRIPT.dataset.searchApi, SCRIPT.src).pathname,
    mergeIndex: (merged?.shards ?? []).map((path, index) => ({
      bundlePath: new URL(path, bundle).pathname, ...(index === 0 ? {supersedes: merged.superseded} : {}),
    })),
  });
  const search = document.querySelector("#proceedings-search");
  const kept = takeKeptQuery();
  const query = new URLSearchParams(window.location.search).get("q") ?? kept;
  if (query) {
    ui.triggerSearch(query);
    addressed(query); // one sent from another page's box, or a link, may be too long for an address
  }
  followTheQuery(search);
  reloadOnceTheIndexChanged(bundle, merged);
  sayWhenOffline(search);
});

// What the reader does in the search: typing, Escape, the box's button.
const READER_EVENTS = ["input", "keydown", "click"];

// The query put in the address as the box holds it once the interface has handled the event: typed,
// or cleared by its button or the Escape key, which set the box's value without an input event.
function followTheQuery(search) {
  for (const type of READER_EVENTS) {
    search.addEventListener(type, () => setTimeout(() => {
      const box = search.querySelector(".pagefind-ui__search-input");
      if (box) {
        addressed(box.value);
      }
    }));
  }
}

// Back on the page (from another tab, or from a result by the back button), the reader may be
// searching an index the site no longer has: Pagefind names its files by their contents and reads the
// list of each bundle's words once, so after the site is published again a page opened before finds
// none of a changed page's new words (and asks for files that are gone). It is then loaded again, with
// its query. The index is asked for beside Pagefind's own first look at it, with the shards the
// page merged (asked for again when it could not read them).
function reloadOnceTheIndexChanged(bundle, merged) {
  const opened = indexVersion(bundle, merged);
  const reloadIfChanged = async () => {
    const [before, now] = await Promise.all([opened, indexVersion(bundle)]);
    if (before !== null && now !== null && before !== now) {
      reloadWithQuery();
    }
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      reloadIfChanged();
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      reloadIfChanged();
    }
  });
}

// Offline, Pagefind says "No results" for a query whose part of the index it could not load, as if no
// paper held its words: the page says why. And it keeps that part as failed, so that every later
// search needing it found nothing for the page's life, though the browser was online again: the page
// is loaded again then, if the reader searched meanwhile.
function sayWhenOffline(search) {
  let searchedOffline = false;
  for (const type of READER_EVENTS) {
    search.addEventListener(type, () => {
      searchedOffline ||= !navigator.onLine;
    });
  }
  const status = document.createElement("p");
  status.className = "proceedings-search-status";
  status.setAttribute("role", "status");
  status.textContent = OFFLINE_MESSAGE;
  status.hidden = navigator.onLine;
  search.before(status);
  window.addEventListener("offline", () => {
    status.hidden = false;
  });
  window.addEventListener("online", () => {
    status.hidden = true;
    if (searchedOffline) {
      reloadWithQuery();
    }
  });
}

// The site's index as it is now: its bundles (the main one and the shards merge.json lists, or
// those given, as just read) and the metadata file each names for each language, which
// changes with its words, and the revisions left out; null when they cannot be asked for (offline):
// nothing to compare then.
async function indexVersion(bundle, merged = null) {
  try {
    const {shards, superseded} = merged ?? await mergedIndex(bundle);
    const bundles = [bundle.href, ...shards.map((path) => new URL(path, bundle).href)];
    const entries = await Promise.all(bundles.map(async (url) => (await fetch(new URL("pagefind-entry.json", url),
                                                                              {cache: "no-cache"})).json()));
    return JSON.stringify([entries.map((entry, index) => [bundles[index], entry.languages]), superseded]);
  } catch (error) {
    return null;
  }
}

// The shards' bundles as pagefind/merge.json lists them, relative to the main bundle, and the
// revisions of pages they hold that are no longer the pages' (none when it is not there: a small
// volume). Asked for again each time: a rebuild may change the shards, and a host may let the browser
// keep the file (Pagefind asks for its own entry file with a time stamp for the same reason).
async function mergedIndex(bundle) {
  const response = await fetch(new URL("merge.json", bundle), {cache: "no-cache"});
  const merged = response.ok ? await response.json() : {};
  return {shards: merged.shards ?? [], superseded: merged.superseded ?? []};
}

// Where the query is kept while the page loads itself again: a query too long for the address is not
// in it (the tab's own storage, gone with the tab).
const KEPT_QUERY = "proceedings-search-query";

function reloadWithQuery() {
  const box = document.querySelector("#proceedings-search .pagefind-ui__search-input");
  try {
    window.sessionStorage.setItem(KEPT_QUERY, box?.value ?? "");
  } catch (error) {
    // storage refused (a private window's quota): the address's query is the one kept
  }
  window.location.reload();
}

// The query kept by reloadWithQuery, taken once.
function takeKeptQuery() {
  try {
    const kept = window.sessionStorage.getItem(KEPT_QUERY);
    window.sessionStorage.removeItem(KEPT_QUERY);
    return kept;
  } catch (error) {
    return null;
  }
}

// The longest address the query is put in: hosts refuse a longer request (GitHub Pages and nginx at
// 8 kB), which a reload of a page whose query was a pasted text would then get.
const LONGEST_ADDRESS = 4000;

// The query typed, put in the page's address as ?q=, so that a reload, the way back from a result or
// a link copied shows its results, not those of the query the page was opened with. Replaced, not
// added to the history: each key typed changes it. A query too long for an address is left out of it.
function addressed(term) {
  const address = new URL(window.location.href);
  address.searchParams.set("q", term);
  if (!term.trim() || address.href.length > LONGEST_ADDRESS) {
    address.searchParams.delete("q");
  }
  if (address.href !== window.location.href) {
    window.history.replaceState(window.history.state, "", address);
  }
}
