"""The papers' constructions, one module per paper; each function cites its theorem."""
