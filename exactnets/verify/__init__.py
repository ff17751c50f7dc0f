"""Queries and their answers: verdicts that carry their evidence."""

from exactnets.verify.verdict import Verdict, proved, refuted, unknown

__all__ = ["Verdict", "proved", "refuted", "unknown"]
