// Pagefind's API as the search page's interface asks for it (PagefindUI imports `pagefind.js` from its
// bundlePath): Pagefind's own, but for the order of the results when the papers are in shards, and
// without the entries of pages the shards hold that are no longer the pages'.
//
// A shard is not indexed again for a few changed pages (proceedings/site/search.py): they are indexed
// apart, in a bundle of their own, and their entries left in the shard are superseded. Each paper page
// carries its revision (a digest of what is indexed of it) as the hidden filter `revision`; the search
// page passes the superseded revisions with the first shard it merges, and every search here leaves them
// out, so that Pagefind counts the filters' values without them too. The filter itself is never shown,
// nor a value that only superseded entries have.
//
// A large volume's papers are indexed in shards (proceedings/site/search.py), which the search merges.
// A shard without a word of the query matches what it holds instead: the query's other words alone,
// or, for a word it lacks, the longest word it holds that begins it ("q" for "quokkaphile"); and it
// scores its pages against its own pages only. So a page holding every word could come after those
// partial matches, last of all (a new-user trial at 300 papers in two shards). Here the pages that
// hold each word of the query that some page holds come first, then the others, each part in
// Pagefind's order: nothing is left out. Measured on the shipped archive in shards of four papers,
// 184 queries: the first result is the one a single index gives in 172 (126 in Pagefind's order).
export * from "../../pagefind/pagefind.js";
import {
  filters as shardFilters, mergeIndex as mergeShard, preload as preloadShards, search as searchShards,
} from "../../pagefind/pagefind.js";

// Past this many words (a pasted abstract), Pagefind's order: each word costs a search of every shard.
const MOST_WORDS = 8;
let shards = 0;
let searches = 0;
// The filter that holds each paper page's revision (proceedings/util/search_revision.py).
const REVISION = "revision";
let superseded = [];

export async function mergeIndex(path, options = {}) {
  shards += 1;
  const {supersedes, ...rest} = options;
  superseded = [...superseded, ...(supersedes ?? [])];
  return mergeShard(path, rest);
}

// The options of a search, with the superseded revisions left out beside the reader's own filters.
function current(options) {
  return superseded.length ? {...options, filters: {...options?.filters, [REVISION]: {none: superseded}}} : options;
}

// Every filter's values with the number of pages that have each, without the superseded entries: asked
// once, after Pagefind's own call, which loads every filter's index.
let live = null;

function liveCounts() {
  live ??= (async () => {
    const counts = await shardFilters();
    return superseded.length ? (await searchShards(null, current({}))).filters : counts;
  })();
  return live;
}

// Counts as the interface shows them: without the revisions, without a value only superseded entries
// have, and each filter's values in order (merged from the shards, they came shard by shard).
function arranged(counts, held) {
  if (!counts) {
    return counts;
  }
  return Object.fromEntries(Object.entries(counts).filter(([key]) => key !== REVISION).map(([key, values]) => [
    key, Object.fromEntries(Object.entries(values).filter(([value]) => !held?.[key] || held[key][value] > 0)
      .sort(([one], [other]) => one.localeCompare(other))),
  ]));
}

async function shown(found) {
  const held = await liveCounts();
  return found && {...found, filters: arranged(found.filters, held), totalFilters: arranged(found.totalFilters, held)};
}

export async function filters() {
  const held = await liveCounts();
  return arranged(held, held);
}

export async function preload(term, options) {
  return preloadShards(term, current(options));
}

// Pagefind's own calls its own search: this one waits as it does, then searches as above.
let debounced = 0;

export async function debouncedSearch(term, options, timeout = 300) {
  const call = ++debounced;
  await new Promise((resolve) => setTimeout(resolve, timeout));
  return call === debounced ? search(term, options) : null;
}

// A Latin ligature in a query (ﬁ, pasted from a PDF) as its letters, as every text of the index holds
// it (proceedings/util/text.py): a second new-user trial's "uniﬁed" found nothing.
const LIGATURE = /[\uFB00-\uFB06]/g;

export async function search(query, options) {
  const term = typeof query === "string" ? query.replace(LIGATURE, (ligature) => ligature.normalize("NFKC")) : query;
  const asked = current(options);
  const found = await shown(await searchShards(term, asked));
  const words = queryWords(term);
  if (!shards || !found?.results?.length || !words.length || words.length > MOST_WORDS
      || Object.keys(options?.sort ?? {}).length) {
    return found;
  }
  const turn = ++searches;
  try {
    // Quoted, a word matches the pages that hold it (as Pagefind stems it), in every shard, and nothing else.
    const exact = await Promise.all(words.map((word) => searchShards(`"${word}"`, asked)));
    if (turn !== searches) {
      return found; // a newer search began: the interface shows that one
    }
    const holders = exact.filter((hits) => hits?.results?.length).map((hits) => new Set(hits.results.map((result) => result.id)));
    const holdsAll = (result) => holders.every((ids) => ids.has(result.id));
    return holders.length
      ? {...found, results: [...found.results.filter(holdsAll), ...found.results.filter((result) => !holdsAll(result))]}
      : found;
  } catch (error) {
    console.warn("Search: the results are in Pagefind's order.", error);
    return found;
  }
}

// The query's words, or none for a quoted query (Pagefind's exact search already) or no query (a search
// by filters alone). Pagefind drops quotes that do not enclose the whole query, and so do these.
function queryWords(term) {
  if (typeof term !== "string" || /^\s*".+"\s*$/.test(term)) {
    return [];
  }
  return [...new Set(term.replaceAll('"', " ").toLowerCase().split(/\s+/).filter(Boolean))];
}
