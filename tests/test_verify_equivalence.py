"""Equivalence on the cube by enumeration, the portfolio, and the ``equiv`` command."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactnets.cli import main
from exactnets.domains import BooleanCube, Box, Reals, cube_point
from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.io import write_network, write_polytope
from exactnets.network import Layer, Network, scale
from exactnets.domains import Polytope
from exactnets.verify.equivalence import check_equivalence
from exactnets.verify.query import Counterexample, EquivalenceResult, Mode, NotApplicable, parse_mode, violates
from tests.strategies import networks, rationals, wide_rationals

MODES = ["function", "decision", "argmax", "epsilon:0", "epsilon:1/3", "epsilon:7"]


def brute_force(f: Network, g: Network, kind: str, mode: Mode) -> int | None:
    """The first cube index where the mode breaks, by the reference evaluator (None if none)."""
    for i in range(2**f.input_dim):
        x = cube_point(f.input_dim, i, kind)
        if violates(mode, evaluate(f, x), evaluate(g, x)):
            return i
    return None


@settings(max_examples=120)
@given(st.data())
def test_enumeration_agrees_with_brute_force_in_every_mode(data):
    values = data.draw(st.sampled_from([rationals(), rationals(3, 2), wide_rationals()]))
    f = data.draw(networks(input_dim=st.integers(1, 5), values=values))
    other = data.draw(st.sampled_from(["random", "scaled", "same"]))
    if other == "random":
        g = data.draw(networks(input_dim=st.just(f.input_dim), output_dim=st.just(f.output_dim), values=values))
    elif other == "scaled":
        g = scale(f, data.draw(st.sampled_from(["1", "2", "1/2", "-1", "1000001/1000000"])))
    else:
        g = f
    kind = data.draw(st.sampled_from(["pm1", "01"]))
    mode = parse_mode(data.draw(st.sampled_from(MODES)))
    result = check_equivalence(f, g, BooleanCube(f.input_dim, kind), mode, method="enumerate")
    first_bad = brute_force(f, g, kind, mode)
    if first_bad is None:
        assert result.verdict == "equivalent"
    else:
        assert result.verdict == "counterexample"
        assert result.counterexample.x == cube_point(f.input_dim, first_bad, kind)
        assert violates(mode, result.counterexample.f, result.counterexample.g)


def test_ties_at_zero_in_decision_and_argmax():
    # f(x) = x1 + x2 is 0 on half the cube: sgn(0) = +1, so it decides like "x1 + x2 >= 0"
    f = Network(2, [Layer("linear", [[1, 1]], [0])])
    g = Network(2, [Layer("ltf", [[1, 1]], [0])])  # +1 where x1 + x2 >= 0, else -1
    assert check_equivalence(f, g, "cube", "decision").verdict == "equivalent"
    # step - 1/2 decides the same way; step alone is never negative, so it does not
    shifted = Network(2, [Layer("step", [[1, 1]], [0]), Layer("linear", [[1]], ["-1/2"])])
    assert check_equivalence(f, shifted, "cube", "decision").verdict == "equivalent"
    unshifted = Network(2, [Layer("step", [[1, 1]], [0])])
    assert check_equivalence(f, unshifted, "cube", "decision").counterexample.x == (-1, -1)
    h = Network(2, [Layer("linear", [[1, 1]], ["-1/1000"])])  # strictly negative where f is 0
    result = check_equivalence(f, h, "cube", "decision")
    assert result.verdict == "counterexample" and result.counterexample.f == (0,)
    # argmax ties go to the lowest index: (0, 0) has argmax 0, like (1, 0)
    tie = Network(1, [Layer("linear", [[0], [0]], [0, 0])])
    first = Network(1, [Layer("linear", [[0], [0]], [1, 0])])
    second = Network(1, [Layer("linear", [[0], [0]], [0, 1])])
    assert check_equivalence(tie, first, "cube", "argmax").verdict == "equivalent"
    assert check_equivalence(tie, second, "cube", "argmax").verdict == "counterexample"


def test_huge_rationals_where_floats_would_be_wrong():
    tiny = Fraction(1, 10**40)
    f = Network(3, [Layer("relu", [[1, 2, 3]], [0]), Layer("linear", [[1]], [0])])
    g = Network(3, [Layer("relu", [[1, 2, 3]], [0]), Layer("linear", [[1]], [tiny])])
    assert float(tiny) + 1.0 == 1.0  # a float tool cannot see the difference
    result = check_equivalence(f, g, "cube")
    assert result.verdict == "counterexample" and result.counterexample.g[0] - result.counterexample.f[0] == tiny
    assert check_equivalence(f, g, "cube", Mode("epsilon", tiny)).verdict == "equivalent"
    assert check_equivalence(f, g, "cube", Mode("epsilon", tiny / 2)).verdict == "counterexample"
    big = Network(2, [Layer("linear", [[2**80, -(2**80)]], [Fraction(1, 3**50)])])
    assert check_equivalence(big, big, "cube", "epsilon:0").verdict == "equivalent"


def test_timeouts_give_unknown_with_the_reason():
    f = Network(22, [Layer("relu", [[1] * 22] * 4, [0] * 4), Layer("linear", [[1] * 4], [0])])
    result = check_equivalence(f, f, "cube", timeout=1e-9, method="enumerate")
    assert result.verdict == "unknown" and "timeout" in result.reason and "enumerated" in result.reason


def test_errors():
    f = Network(2, [Layer("linear", [[1, 1]], [0])])
    g = Network(3, [Layer("linear", [[1, 1, 1]], [0])])
    with pytest.raises(ShapeError):
        check_equivalence(f, g)
    with pytest.raises(InputError, match="unknown mode"):
        check_equivalence(f, f, "cube", "same")
    with pytest.raises(InputError, match="epsilon"):
        parse_mode("epsilon")
    with pytest.raises(InputError, match="non-negative"):
        parse_mode("epsilon:-1")
    with pytest.raises(InputError, match="unknown method"):
        check_equivalence(f, f, method="magic")
    with pytest.raises(NotApplicable, match="Boolean cube"):
        check_equivalence(f, f, Box.uniform(2, -1, 1), method="enumerate")
    with pytest.raises(InputError, match="unknown domain"):
        check_equivalence(f, f, "sphere")
    with pytest.raises(InputError, match="timeout"):
        check_equivalence(f, f, timeout=0)


def test_result_json_shape():
    c = Counterexample((Fraction(1, 2),), (Fraction(1),), (Fraction(0),))
    result = EquivalenceResult("counterexample", "z3", 0.5, counterexample=c)
    assert result.to_json() == {"verdict": "counterexample", "method": "z3", "seconds": 0.5,
                                "counterexample": {"x": ["1/2"], "f": ["1"], "g": ["0"]}, "reason": None}
    assert result.exit_code == 1


# -- the command ------------------------------------------------------------------------------------

@pytest.fixture
def pair(tmp_path):
    f = Network(2, [Layer("relu", [[1, 1], [1, -1]], [0, 0]), Layer("linear", [[1, "1/2"]], [0])])
    g = Network(2, [Layer("relu", [[1, -1], [2, 2]], [0, 0]), Layer("linear", [["1/2", "1/2"]], [0])])  # permuted, rescaled
    h = Network(2, [Layer("relu", [[1, 1], [1, -1]], [0, 0]), Layer("linear", [[1, "1/2"]], ["1/1000"])])
    paths = {}
    for name, net in (("f", f), ("g", g), ("h", h)):
        paths[name] = tmp_path / f"{name}.json"
        write_network(net, paths[name])
    return paths


def test_equiv_command_exit_codes_and_json(capsys, pair):
    assert main(["equiv", str(pair["f"]), str(pair["g"])]) == 0
    assert "equivalent" in capsys.readouterr().out
    assert main(["equiv", str(pair["f"]), str(pair["h"]), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "counterexample" and out["counterexample"]["x"] == ["1", "1"]
    assert out["counterexample"]["g"] == ["2001/1000"] and out["reason"] is None
    assert main(["equiv", str(pair["f"]), str(pair["h"]), "--mode", "epsilon:1/1000"]) == 0
    assert main(["equiv", str(pair["f"]), str(pair["h"]), "--mode", "epsilon:1/1001"]) == 1


@pytest.mark.parametrize("argv, message", [
    (["--domain", "box:1"], "box:LO,HI"),
    (["--domain", "box:2,1"], "exceeds upper bound"),
    (["--domain", "ball"], "unknown --domain"),
    (["--mode", "epsilon:x"], "cannot read 'x'"),
    (["--mode", "same"], "unknown mode"),
    (["--domain", "box:-1,1", "--method", "enumerate"], "Boolean cube"),
    (["--timeout", "-1"], "--timeout"),
    (["--domain", "polytope:{missing}"], "missing.json"),
])
def test_equiv_command_user_errors(capsys, pair, tmp_path, argv, message):
    argv = [a.format(missing=tmp_path / "missing.json") for a in argv]
    assert main(["equiv", str(pair["f"]), str(pair["g"]), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_polytope_files(tmp_path, capsys, pair):
    path = tmp_path / "p.json"
    write_polytope(Polytope([[1, 0], [-1, 0], [0, 1], [0, -1]], [1, 1, "1/2", "1/2"]), path)
    from exactnets.io import read_polytope

    assert read_polytope(path).b == (1, 1, Fraction(1, 2), Fraction(1, 2))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "exactnets.polytope/1", "A": [[1, 0], [1]], "b": [1, 2]}')
    assert main(["equiv", str(pair["f"]), str(pair["g"]), "--domain", f"polytope:{bad}"]) == 2
    assert "A[1]" in capsys.readouterr().err


def test_portfolio_shortcuts_identical_networks_and_tries_z3_before_the_region_search():
    import random as _random

    from tests.test_verify_agreement import rewrite

    r = _random.Random(5)
    sizes = [6, 30, 30, 30, 1]
    layers = [Layer("relu" if i < 3 else "linear",
                    [[Fraction(r.randint(-9, 9), r.randint(1, 9)) for _ in range(sizes[i])] for _ in range(sizes[i + 1])],
                    [Fraction(r.randint(-9, 9), r.randint(1, 9)) for _ in range(sizes[i + 1])]) for i in range(4)]
    f = Network(6, layers)
    same = check_equivalence(f, Network(6, layers), Box.uniform(6, -1, 1))
    assert same.verdict == "equivalent" and "identical" in same.method
    g = rewrite(f, _random.Random(1))
    assert g.layers != f.layers
    result = check_equivalence(f, g, Box.uniform(6, -1, 1))
    assert result.verdict == "equivalent"
