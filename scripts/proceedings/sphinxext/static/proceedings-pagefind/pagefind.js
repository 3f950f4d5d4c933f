// Pagefind's API as the search page's interface asks for it (PagefindUI imports `pagefind.js` from its
// bundlePath): Pagefind's own, but for the order of the results when the papers are in shards.
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
import {mergeIndex as mergeShard, search as searchShards} from "../../pagefind/pagefind.js";

// Past this many words (a pasted abstract), Pagefind's order: each word costs a search of every shard.
const MOST_WORDS = 8;
let shards = 0;
let searches = 0;

export async function mergeIndex(...shard) {
  shards += 1;
  return mergeShard(...shard);
}

// A Latin ligature in a query (ﬁ, pasted from a PDF) as its letters, as every text of the index holds
// it (proceedings/util/text.py): a second new-user trial's "uniﬁed" found nothing.
const LIGATURE = /[\uFB00-\uFB06]/g;

export async function search(query, options) {
  const term = typeof query === "string" ? query.replace(LIGATURE, (ligature) => ligature.normalize("NFKC")) : query;
  const found = await searchShards(term, options);
  const words = queryWords(term);
  if (!shards || !found?.results?.length || !words.length || words.length > MOST_WORDS
      || Object.keys(options?.sort ?? {}).length) {
    return found;
  }
  const asked = ++searches;
  try {
    // Quoted, a word matches the pages that hold it (as Pagefind stems it), in every shard, and nothing else.
    const exact = await Promise.all(words.map((word) => searchShards(`"${word}"`, options)));
    if (asked !== searches) {
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
