"""Claims of vardi_shamir checked by `exactnets prove` (see CLAIMS.md)."""

from __future__ import annotations
