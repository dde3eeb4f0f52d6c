"""Command-line tools: `erlpy bench`."""
