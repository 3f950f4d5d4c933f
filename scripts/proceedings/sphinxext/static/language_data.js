/* Sphinx's search is off (Pagefind is the search); the theme's layout still loads this file. */
var stopwords = [];
