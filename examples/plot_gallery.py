"""The pictures behind the papers' examples, drawn from exact computations.

Run ``python examples/plot_gallery.py [FOLDER]`` (default ``plots/``).  For each picture the
script writes the network as JSON next to it, so ``exactnets plot NET.json --out ...`` redraws
it from the command line.

* ``sawtooth.png`` -- Telgarsky's sawtooth ``m^(3)`` (CLAIMS.md ABMM-Sawtooth): 8 pieces on
  ``[0, 1]``, its 9 breakpoints ``k/8`` marked.
* ``hard_composition.png`` -- ``H = h_(1/2) o h_(1/3, 2/3)`` (ABMM Lemma B.1, Fig. 2): 3 x 2 = 6
  pieces on ``[0, 1]``, each rising or falling between 0 and 1.
* ``ps_running_example.png`` -- Pan & Srikumar's eq. (4), ``sgn(w0 + R(a1) - R(a2) - R(a3))``,
  with three affine functions of two inputs: its linear regions and its decision boundary, the
  set Theorem 1 writes as a DNF of the threshold tests of Fig. 2 / eq. (5).
* ``zonotope_gauge.png`` -- ``gamma_Z - 1`` for the octagon zonotope of ABMM Fig. 1 (generators
  ``(1/4,1/2), (-1/2,0), (0,-1/4), (-1/4,-1/4)``): 8 linear cones, and the decision boundary is the
  unit level set ``gamma_Z = 1``.
* ``zonotope_H.png`` -- ``H_(1/2),(1/2) o gamma_Z`` on the same zonotope (ABMM Thm 3.9): inside
  the unit level set 8 cones x 4 bands = 32 pieces (CLAIMS.md notes the stated count, 16, is a
  factor 2 short).
* ``ip8.png`` -- inner product mod 2 on 8 bits as its 16 x 16 communication matrix (rows: the
  first 4 bits), a Sylvester-Hadamard matrix up to the order of rows and columns.
"""

from __future__ import annotations

import argparse
import os
import sys
from fractions import Fraction

from exactnets.boolean import inner_product_mod2
from exactnets.constructions.arora import hard_composition_net, sawtooth_net, zonotope_gauge_net, zonotope_net
from exactnets.constructions.pan_srikumar import running_example_net
from exactnets.io import write_network
from exactnets.network import Layer, Network
from exactnets.plot import plot_cube, plot_graph, plot_regions

OCTAGON = [("1/4", "1/2"), ("-1/2", 0), (0, "-1/4"), ("-1/4", "-1/4")]


def _shifted(net: Network, shift: Fraction, name: str) -> Network:
    """``net - shift`` (the output layer's bias moved), so that the decision is ``net >= shift``."""
    last = net.layers[-1]
    out = Layer(last.activation, last.weights, [b - shift for b in last.bias])
    return Network(net.input_dim, [*net.layers[:-1], out], name=name)


def build(folder: str) -> list:
    """Write every picture (and its network, as JSON) into ``folder``; return the PlotResults."""
    os.makedirs(folder, exist_ok=True)

    def path(name: str) -> str:
        return os.path.join(folder, name)

    results = []
    saw = sawtooth_net(3)
    write_network(saw, path("sawtooth.json"))
    results.append(plot_graph(saw, path("sawtooth.png"), interval=("-1/4", "5/4"),
                              title="Telgarsky sawtooth m^(3): 2^3 pieces on [0, 1]"))

    hard = hard_composition_net([["1/3", "2/3"], ["1/2"]])
    write_network(hard, path("hard_composition.json"))
    results.append(plot_graph(hard, path("hard_composition.png"), interval=("-1/4", "5/4"),
                              title="ABMM Lemma B.1: H = h_(1/2) o h_(1/3, 2/3), 3 x 2 pieces on [0, 1]"))

    # eq. (4) in the plane: a1 = x1 + x2, a2 = x1 - x2 - 1/2, a3 = -2 x1 + x2 - 1, w0 = -1/2
    ps = running_example_net("-1/2", [((1, 1), 0), ((1, -1), "-1/2"), ((-2, 1), -1)])
    write_network(ps, path("ps_running_example.json"))
    results.append(plot_regions(ps, path("ps_running_example.png"), box=(-2, 2),
                                title="PS eq. (4): sgn(-1/2 + R(a1) - R(a2) - R(a3))"))

    gauge = _shifted(zonotope_gauge_net(OCTAGON), Fraction(1), "ABMM Lemma 3.7: gauge of the octagon zonotope, minus 1")
    write_network(gauge, path("zonotope_gauge.json"))
    results.append(plot_regions(gauge, path("zonotope_gauge.png"), box=("-3/2", "3/2"),
                                title="gauge of the octagon zonotope - 1 (ABMM Fig. 1)"))

    zono = zonotope_net([["1/2"], ["1/2"]], OCTAGON)
    write_network(zono, path("zonotope_H.json"))
    results.append(plot_regions(zono, path("zonotope_H.png"), box=("-3/2", "3/2"), colour_by="piece",
                                title="ABMM Thm 3.9: H_(1/2),(1/2) o gauge of the octagon zonotope"))

    results.append(plot_cube(inner_product_mod2(4), path("ip8.png"), split=4,
                             title="IP_8: inner product mod 2, rows = first 4 bits"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="plots", help="where to write the pictures (default plots/)")
    args = parser.parse_args(argv)
    for result in build(args.folder):
        print(result.summary())
        print(f"    {result.caption}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
