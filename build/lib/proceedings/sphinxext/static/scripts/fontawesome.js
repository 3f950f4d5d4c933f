/* Replaces pydata-sphinx-theme's 1.5 MB Font Awesome script: the theme's stylesheet and web font draw the same icons. */
