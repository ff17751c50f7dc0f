"""Claims of Malach & Shalev-Shwartz (CLAIMS.md section 3), checked exactly."""

from __future__ import annotations
