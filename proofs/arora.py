"""Claims of arora checked by `exactnets prove` (see CLAIMS.md)."""

from __future__ import annotations
