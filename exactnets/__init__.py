"""exactnets: exact answers about ReLU and threshold neural networks.

Numbers enter through :func:`exactnets.rational.as_rational`; networks are
:class:`exactnets.network.Network` values; :mod:`exactnets.evaluate` evaluates them exactly (the function
:func:`exactnets.evaluate.evaluate` is not re-exported here: it would hide its module);
:mod:`exactnets.boolean` holds truth tables and Fourier analysis; :mod:`exactnets.io` reads and
writes files.
"""

from exactnets.errors import ExactnetsError, FileFormatError, InputError, NumberError, ShapeError
from exactnets.evaluate import ExactBatch, evaluate_batch, evaluate_cube
from exactnets.network import Layer, Network, compose, parallel_sum, ps_normal_form, restrict, scale
from exactnets.rational import as_rational

__all__ = [
    "ExactnetsError", "FileFormatError", "InputError", "NumberError", "ShapeError",
    "ExactBatch", "evaluate_batch", "evaluate_cube",
    "Layer", "Network", "compose", "parallel_sum", "ps_normal_form", "restrict", "scale",
    "as_rational",
]
