"""Boolean functions on ``{-1,1}^n``, exactly: truth tables, Fourier analysis, product
distributions, the named functions of the seed papers, and tree circuits.

Conventions (each module repeats the part it uses):

* **Point order**: THE order of :mod:`exactnets.domains`: index ``i`` has bits ``z`` (binary
  digits of ``i``, most significant first) and ``x_j = 1 - 2 z_j``.
* **Sets** ``S`` of coordinates (Fourier coefficients) are indexed by masks in the same order:
  0-based coordinate ``j`` is bit ``n - 1 - j`` of the mask.
* **Coordinates** are 0-based everywhere in the API (``restrict``, ``influence``,
  ``parity_circuit``); docstrings translate to the papers' 1-based names where it matters.
* **Bit rule** for functions on ``{0,1}``: input bit ``z`` is ``x = 1 - 2z`` and output bit ``o``
  is stored as ``1 - 2o``.  **MS convention** for AND/OR: ``+1`` is true.
* Every number is an ``int`` or a :class:`fractions.Fraction`; nothing is a float.

>>> from exactnets.boolean import majority, fourier_coefficients, influence
>>> f = majority(3)
>>> [str(c) for c in fourier_coefficients(f)]
['0', '1/2', '1/2', '0', '1/2', '0', '0', '-1/2']
>>> influence(f, 0)
Fraction(1, 2)
"""

from exactnets.boolean.truth_table import TruthTable, communication_matrix, point_index
from exactnets.boolean.fourier import (
    fourier_coefficients,
    fourier_coefficients_int,
    fourier_degree,
    influence,
    influences,
    integer_values,
    inverse_fourier,
    mask_set,
    set_mask,
    total_influence,
    walsh_hadamard,
)
from exactnets.boolean.product import (
    bias,
    coordinate_correlation,
    correlation,
    product_distribution_expectation,
)
from exactnets.boolean.functions import (
    and_,
    andreev,
    andreev_bit,
    andreev_parameters,
    arkadev_nikhil,
    disjointness,
    inner_product_mod2,
    majority,
    odd_max_bit,
    or_,
    parity,
    razborov_sherstov,
)
from exactnets.boolean.networks import network_truth_table
from exactnets.boolean.circuits import (
    GATE_NAMES,
    Gate,
    TreeCircuit,
    apply_level,
    circuit_truth_table,
    count_tree_functions,
    evaluate,
    node_values,
    parity_circuit,
    tree_function_tables,
)

__all__ = [
    "TruthTable",
    "network_truth_table",
    "communication_matrix",
    "point_index",
    "walsh_hadamard",
    "fourier_coefficients",
    "fourier_coefficients_int",
    "inverse_fourier",
    "fourier_degree",
    "influence",
    "influences",
    "total_influence",
    "integer_values",
    "set_mask",
    "mask_set",
    "product_distribution_expectation",
    "bias",
    "correlation",
    "coordinate_correlation",
    "parity",
    "majority",
    "and_",
    "or_",
    "inner_product_mod2",
    "disjointness",
    "odd_max_bit",
    "andreev",
    "andreev_parameters",
    "andreev_bit",
    "arkadev_nikhil",
    "razborov_sherstov",
    "Gate",
    "GATE_NAMES",
    "TreeCircuit",
    "evaluate",
    "apply_level",
    "node_values",
    "circuit_truth_table",
    "parity_circuit",
    "tree_function_tables",
    "count_tree_functions",
]
