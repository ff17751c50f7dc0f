"""Reproductions of the papers' algorithms and experiments, with exact checks of what they return.

Training here is ordinary floating-point work (numpy, seeded); nothing it computes is reported as
a fact until exact arithmetic has checked it.

* :mod:`~exactnets.experiments.ms_layerwise` -- Malach & Shalev-Shwartz, Algorithm 1 (layerwise
  gradient descent on a tree of neural gates), with exact verification of the returned network
  over the whole cube (CLAIMS.md MS-Alg1).
"""
