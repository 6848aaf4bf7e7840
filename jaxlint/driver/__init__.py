"""One source in, one FileResult out."""
