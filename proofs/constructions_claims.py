"""Claims behind the papers' constructions (CLAIMS.md sections 2-5), each proved by the engine.

Real statements are proved over R^d (function mode with the canonical form, the maximum with
z3); cube statements by exhaustive enumeration.  The Pan & Srikumar claims live in
:mod:`proofs.pan_srikumar`, the Vardi & Shamir ones in :mod:`proofs.vardi_shamir`, and the
papers' misprints, refuted, in :mod:`proofs.misprints`.
"""

from __future__ import annotations

import math

from exactnets.boolean.circuits import Gate, TreeCircuit, circuit_truth_table
from exactnets.constructions.arora import max2_net, max_net, verify_max
from exactnets.constructions.malach_shalev_shwartz import neural_gate, tree_circuit_to_network
from exactnets.constructions.mukherjee_basu import (
    distinct_values, max0_x1_x2_net, prop_2_3_function, prop_2_3_ltf_net, prop_2_3_relu_net,
)
from exactnets.verify.enumerate import check_against_table
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.verdict import Verdict, proved, unknown
from proofs.common import all_proved, equivalence_verdict, rng
from proofs.registry import claim



@claim("ABMM-Fig3", "ABMM", "max{x1,x2} = (x1+x2)/2 + |x1-x2|/2 is a 2-layer ReLU net (4 units; 3 suffice)")
def abmm_fig3(full: bool) -> Verdict:
    def instances():
        yield "4 units = 3 units", lambda: equivalence_verdict(check_equivalence(max2_net(4), max2_net(3), "reals", "function"))
        for units in (3, 4):
            yield f"{units} units = max", lambda units=units: verify_max(max2_net(units))

    return all_proved(instances(), "canonical form over R^2 (function mode) and z3 unsat for the maximum")


@claim("ABMM-Thm2.1", "ABMM", "the max of n+1 affine functions on R^n needs at most ceil(log2(n+1)) hidden layers (gadget tree)")
def abmm_thm21(full: bool) -> Verdict:
    top = 10 if full else 8

    def case(n: int, zero: bool) -> Verdict:
        net = max_net(n, include_zero=zero)
        if net.hidden_layers != math.ceil(math.log2(n + 1 if zero else n)):
            return unknown(f"depth {net.hidden_layers}")
        return verify_max(net, include_zero=zero)

    return all_proved(((f"n={n} zero={z}", lambda n=n, z=z: case(n, z)) for n in range(2, top + 1) for z in (False, True)),
                      "z3 unsat over R^n: the net is >= every x_i (and 0) and equals one of them")


@claim("MS-NeuralGate", "MS", "a width-4 bias-free neural gate (w_p = p/2, v_p = gamma(p)) computes each of the 16 gates; trees of them compute h_C")
def ms_neural_gate(full: bool) -> Verdict:
    r = rng("MS-NeuralGate")

    def instances():
        for gate in Gate.all():
            yield gate.name, lambda gate=gate: check_against_table(neural_gate(gate), list(gate.values))
        for depth in range(1, 5 if full else 4):
            for _ in range(6 if full else 3):
                circuit = TreeCircuit(depth, [[r.randrange(16) for _ in range(2**i)] for i in range(depth)])
                yield (f"tree depth {depth}", lambda c=circuit:
                       check_against_table(tree_circuit_to_network(c), circuit_truth_table(c).values))

    return all_proved(instances(), "exhaustive enumeration of {-1,1}^2 and of {-1,1}^(2^d)")



@claim("MB-Prop2.2", "MB", "max{0,x1,x2} = R(R(x2) - R(-x2) + R(x1 - x2)) over R^2 (two ReLU layers)")
def mb_prop22(full: bool) -> Verdict:
    net = max0_x1_x2_net()
    if net.hidden_layers != 2:
        return unknown("not two hidden layers")
    return verify_max(net, include_zero=True)


@claim("MB-Prop2.3", "MB", "sum_i 2^i (1+x_i)/2 is a Sum of 2 ReLUs; a Sum-of-LTF needs n gates (it takes 2^n values) and n suffice")
def mb_prop23(full: bool) -> Verdict:
    def case(n: int) -> Verdict:
        table = prop_2_3_function(n)
        for net in (prop_2_3_relu_net(n), prop_2_3_ltf_net(n)):
            verdict = check_against_table(net, table)
            if verdict.status != "proved":
                return verdict
        values = distinct_values(prop_2_3_ltf_net(n))
        if values != 2**n:
            return unknown(f"{values} distinct values")
        return proved(f"{2**n} distinct values > 2^(n-1)")

    return all_proved(((f"n={n}", lambda n=n: case(n)) for n in range(1, 17 if full else 11)),
                      "exhaustive enumeration; the value count bounds the number of LTFs")
