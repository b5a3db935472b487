"""Page sections: one module per page, each a set of functions that draw part of that page."""
