"""Claims of pan_srikumar checked by `exactnets prove` (see CLAIMS.md)."""

from __future__ import annotations
