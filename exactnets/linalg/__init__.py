"""Exact linear algebra at one boundary: ranks with certificates, communication matrices, block
structure.  python-flint and the float64-BLAS modular engine live here and nowhere else.

* :mod:`~exactnets.linalg.matrix`: :class:`ExactMatrix`, integer numerators over one denominator;
* :mod:`~exactnets.linalg.modp`: elimination modulo a prime (BLAS engine, flint engine), primes;
* :mod:`~exactnets.linalg.rank`: :func:`rank`, :func:`rank_mod`, :class:`RankCertificate`,
  :func:`verify_rank_certificate`;
* :mod:`~exactnets.linalg.comm`: communication matrices of Boolean functions, truth tables and
  networks, and :class:`MatrixSource`, the recipe a certificate stores to rebuild its matrix;
* :mod:`~exactnets.linalg.blocks`: contiguous block structure (Mukherjee & Basu, Claim 4 and
  Lemma 4.1) and cube orderings (Definition 2).

Sign-rank bounds are in :mod:`exactnets.signrank`.

>>> from exactnets.linalg import rank, named_matrix
>>> rank(named_matrix("ip", 3), seed=0).rank
8
"""

from exactnets.linalg.matrix import ExactMatrix, as_exact_matrix
from exactnets.linalg.modp import is_prime, random_prime
from exactnets.linalg.rank import (
    RANK_CERTIFICATE_FORMAT,
    RankCertificate,
    RankResult,
    product_identity_holds,
    rank,
    rank_mod,
    verify_rank_certificate,
)
from exactnets.linalg.comm import (
    MatrixSource,
    named_matrix,
    network_matrix,
    table_matrix,
)
from exactnets.linalg.blocks import (
    Order,
    block_counts,
    common_order,
    contiguous_cuts,
    cube_values,
    in_cone,
    merge_cuts,
)

__all__ = [
    "ExactMatrix",
    "as_exact_matrix",
    "is_prime",
    "random_prime",
    "RankCertificate",
    "RankResult",
    "RANK_CERTIFICATE_FORMAT",
    "rank",
    "rank_mod",
    "verify_rank_certificate",
    "product_identity_holds",
    "MatrixSource",
    "named_matrix",
    "network_matrix",
    "table_matrix",
    "Order",
    "block_counts",
    "common_order",
    "contiguous_cuts",
    "cube_values",
    "in_cone",
    "merge_cuts",
]
