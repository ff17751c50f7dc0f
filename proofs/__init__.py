"""One runnable check per checkable claim of the five papers, collected by ``exactnets prove``.

Each module registers its claims with :func:`proofs.registry.claim`; a check takes ``full``
(False: the representative sizes CI runs; True: the exhaustive sizes ``exactnets prove`` runs)
and returns an :class:`exactnets.verify.Verdict` that carries its evidence.
"""

from proofs.registry import Claim, all_claims, claim, run_claims, select_claims

__all__ = ["Claim", "all_claims", "claim", "run_claims", "select_claims"]
