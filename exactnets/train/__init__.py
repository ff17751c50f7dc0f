"""Exact training of 2-layer ReLU networks: the global optimum, exactly, with a certificate.

The main entry points:

* :func:`train` with a :class:`TrainProblem`: methods ``enumerate`` (branch-and-bound over
  activation patterns: Arora et al.'s Algorithm 1 with symmetry breaking and exact pruning),
  ``milp``, ``convex`` (Pilanci & Ergen), ``onedim`` (n = 1) and ``naive`` (benchmarks);
* :func:`verify_certificate` / :func:`read_certificate`: re-check a stored certificate;
* :mod:`exactnets.train.patterns`: the dichotomies of a point set by affine hyperplanes.

See CLAIMS.md, ABMM-Thm4.1 / ABMM-Alg1 / ABMM-Alg1D, and issue 7.
"""

from exactnets.train.api import METHODS, TrainInterrupted, TrainResult, train
from exactnets.train.certificate import read_certificate, verify_certificate, write_certificate
from exactnets.train.problem import LOSSES, TrainProblem

__all__ = ["train", "TrainProblem", "TrainResult", "TrainInterrupted", "LOSSES", "METHODS", "read_certificate",
           "verify_certificate", "write_certificate"]
