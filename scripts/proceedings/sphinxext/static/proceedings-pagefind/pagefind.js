// Pagefind's API as the search page's interface asks for it (PagefindUI imports `pagefind.js` from its
// bundlePath): Pagefind's own, but for the order of the results.
//
// A large volume's papers are indexed in shards (proceedings/site/search.py), which the search merges.
// A shard without a word of the query matches what it holds instead: the query's other words alone,
// or, for a word it lacks, the longest word it holds that begins it ("q" for "quokkaphile"); and it
// scores its pages against its own pages only. So a page holding every word could come after those
// partial matches, last of all (a new-user trial at 300 papers in two shards). Here the pages that
// hold each word of the query that some page holds come first, then the others, each part in
// Pagefind's order: nothing is left out. Measured on the shipped archive in shards of four papers,
// 184 queries: the first result is the one a single index gives in 172 (126 in Pagefind's order).
export {debouncedSearch, destroy, filters, init, mergeIndex, options, preload} from "../../pagefind/pagefind.js";
import {search as searchShards} from "../../pagefind/pagefind.js";

export async function search(term, options) {
  const found = await searchShards(term, options);
  // A quoted query is Pagefind's exact search already; no term is a search by filters alone.
  const words = typeof term === "string" && !term.includes('"')
    ? [...new Set(term.toLowerCase().split(/\s+/).filter(Boolean))] : [];
  if (!found?.results?.length || !words.length) {
    return found;
  }
  const holders = [];
  for (const word of words) {
    // Quoted, a word matches the pages that hold it (as Pagefind stems it), in every shard, and nothing else.
    const exact = await searchShards(`"${word}"`, options);
    if (exact?.results?.length) {
      holders.push(new Set(exact.results.map((result) => result.id)));
    }
  }
  if (!holders.length) {
    return found;
  }
  const holdsAll = (result) => holders.every((ids) => ids.has(result.id));
  return {...found, results: [...found.results.filter(holdsAll), ...found.results.filter((result) => !holdsAll(result))]};
}
