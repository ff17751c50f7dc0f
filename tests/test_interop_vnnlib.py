"""VNN-LIB properties: exact parsing, refusals with line numbers, exact sat/unsat answers, the CLI."""

from __future__ import annotations

import json
import pathlib
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactnets.cli import main
from exactnets.domains import Box
from exactnets.errors import FileFormatError, InputError
from exactnets.evaluate import evaluate
from exactnets.io import load_network, parse_vnnlib, read_vnnlib, write_network
from exactnets.network import Layer, Network
from exactnets.io.vnnlib import LinearConstraint
from exactnets.verify.vnnlib_query import _min_network, _smt_number, verify_property
from tests.strategies import networks, rationals

DATA = pathlib.Path(__file__).parent / "data" / "vnnlib"
ACAS_1_3 = pathlib.Path("/work/shared/networks/acasxu/ACASXU_run2a_1_3_batch_2000.onnx")

HEAD1 = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 -1))\n"
# y = relu(x) - 1 on [-1, 1]: y >= 0 only at x = 1, y > 0 nowhere
KINK = Network(1, [Layer("relu", [[1]], [0]), Layer("linear", [[1]], [-1])])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- parsing -------------------------------------------------------------------------------------------

def test_numbers_are_read_exactly_and_cases_built():
    prop = parse_vnnlib("""
        ; a comment (declare-const Z Real)
        (declare-const X_0 Real)
        (declare-const X_1 Real)
        (declare-const Y_0 Real) (declare-const Y_1 Real)
        (assert (<= X_0 0.1))
        (assert (>= X_0 -0.3))
        (assert (<= -1e-2 X_1 3/4))
        (assert (or (and (<= Y_0 Y_1) (>= Y_0 (- 0.5))) (and (>= (+ Y_0 (* 2 Y_1)) (/ 1 3)))))
    """)
    assert (prop.n_inputs, prop.n_outputs, len(prop.cases)) == (2, 2, 2)
    box = prop.input_box()
    assert box == Box([Fraction(-3, 10), Fraction(-1, 100)], [Fraction(1, 10), Fraction(3, 4)])
    first, second = prop.cases
    assert [(c.y, c.constant, c.op) for c in first.constraints] == [
        (((0, -1), (1, 1)), 0, ">="), (((0, 1),), Fraction(1, 2), ">=")]
    assert [(c.y, c.constant) for c in second.constraints] == [(((0, 1), (1, 2)), Fraction(-1, 3))]


def test_equality_and_strict_comparisons():
    prop = parse_vnnlib(HEAD1 + "(assert (= Y_0 1/2))(assert (< X_0 1/4))")
    (case,) = prop.cases
    assert case.box == Box([-1], [Fraction(1, 4)])  # the strict bound closes the box ...
    assert case.holds([0], [Fraction(1, 2)]) and not case.holds([Fraction(1, 4)], [Fraction(1, 2)])  # ... and stays a constraint
    assert not case.holds([0], [Fraction(1, 3)])


def test_contradictory_bounds_give_no_case():
    prop = parse_vnnlib(HEAD1 + "(assert (or (and (>= X_0 2) (>= Y_0 0)) (and (<= Y_0 1))))")
    assert len(prop.cases) == 1 and prop.empty_cases == 1
    assert verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (>= X_0 2))")).status == "unsat"


@pytest.mark.parametrize(("text", "pattern"), [
    (HEAD1 + "(assert (<= Y_0 1)", r"line 5: a '\(' opened here is never closed"),
    (HEAD1 + "(assert (<= Y_0 1)))", r"line 5: unbalanced '\)'"),
    (HEAD1 + "(assert (not (<= Y_0 1)))", r"line 5: unsupported connective 'not'"),
    (HEAD1 + "(assert (<= (* X_0 Y_0) 1))", r"line 5: a product of two variables is not linear"),
    (HEAD1 + "(assert (<= Y_1 1))", r"line 5: Y_1 is used but never declared"),
    (HEAD1 + "(assert (<= Y_0 abc))", r"line 5: cannot read 'abc' as a number"),
    (HEAD1 + "(declare-fun f () Real)", r"line 5: unsupported command 'declare-fun'"),
    (HEAD1 + "(declare-const X_0 Real)", r"line 5: X_0 is declared twice"),
    ("(declare-const X_0 Int)", r"line 1: X_0 is declared of sort Int"),
    ("(declare-const In_0 Real)", r"line 1: unsupported variable name 'In_0'"),
    ("(declare-const X_0 Real)(declare-const X_2 Real)(declare-const Y_0 Real)", r"X_1 is not declared"),
    ("(declare-const X_0 Real)(declare-const Y_0 Real)(assert (<= X_0 1))", r"X_0 has no lower bound"),
    ("(declare-const Y_0 Real)", r"no inputs declared"),
])
def test_refusals_name_the_line(text, pattern):
    with pytest.raises(FileFormatError, match=pattern):
        parse_vnnlib(text, source="prop.vnnlib")


def test_read_vnnlib_names_the_file(tmp_path):
    path = tmp_path / "p.vnnlib"
    path.write_text(HEAD1 + "(assert (=> Y_0 1))")
    with pytest.raises(FileFormatError, match=r"p\.vnnlib: line 5: unsupported connective '=>'"):
        read_vnnlib(path)
    with pytest.raises(FileFormatError, match="cannot read the file"):
        read_vnnlib(tmp_path / "missing.vnnlib")


def test_input_box_refuses_several_boxes():
    prop = parse_vnnlib(HEAD1 + "(assert (or (and (<= X_0 0) (>= Y_0 0)) (and (>= X_0 0) (>= Y_0 0))))")
    with pytest.raises(InputError, match="2 different input boxes"):
        prop.input_box()


# -- verification: exact answers -------------------------------------------------------------------------

@pytest.mark.parametrize("methods", [("bounds", "search", "regions", "z3"), ("search",), ("regions",), ("z3",)])
def test_a_witness_on_a_single_point_is_found_exactly(methods):
    result = verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (>= Y_0 0))"), methods=methods)
    assert result.status == "sat" and result.witness == (1,) and result.outputs == (0,)
    assert result.verdict.status == "refuted" and result.exit_code == 1


@pytest.mark.parametrize("methods", [("bounds", "search", "regions", "z3"), ("regions",), ("z3",)])
def test_the_strict_version_is_unsat(methods):
    result = verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (> Y_0 0))"), methods=methods)
    assert result.status == "unsat" and result.verdict.status == "proved" and result.exit_code == 0


def test_without_z3_an_undecided_case_is_unknown():
    result = verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (> Y_0 0))"), methods=("search",))
    assert result.status == "unknown" and result.exit_code == 3


def test_bounds_alone_prove_a_far_away_property():
    result = verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (>= Y_0 5))"), methods=("bounds",))
    assert result.status == "unsat" and "bounds" in result.method


def test_constraints_mixing_inputs_and_outputs():
    # y = relu(x) - 1 >= x on [-1, 1] only at x = -1 (for x < 0 it needs -1 >= x; for x >= 0, x - 1 >= x fails)
    prop = parse_vnnlib(HEAD1 + "(assert (>= Y_0 X_0))")
    for methods in (("z3",), ("bounds", "search", "regions", "z3")):
        result = verify_property(KINK, prop, methods=methods)
        assert result.status == "sat" and result.witness == (-1,)
    assert verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (> Y_0 X_0))")).status == "unsat"
    assert verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (>= Y_0 X_0))(assert (> X_0 -1))")).status == "unsat"


@settings(max_examples=25)
@given(networks(input_dim=st.just(2), depth=st.integers(1, 3), width=st.integers(1, 4), output_dim=st.just(2),
                activations=("relu", "hardtanh", "step", "ltf"), output_activations=("linear",)),
       rationals(), rationals())
def test_answers_agree_with_the_exact_evaluator(net, c0, threshold):
    """sat witnesses replay; unsat means no point of a fine grid meets the property either."""
    text = ("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)(declare-const Y_1 Real)"
            "(assert (<= X_0 1))(assert (>= X_0 -1))(assert (<= X_1 1))(assert (>= X_1 -1))"
            f"(assert (>= (+ Y_0 (* {c0.numerator}/{c0.denominator} Y_1)) {threshold.numerator}/{threshold.denominator}))")
    prop = parse_vnnlib(text)
    result = verify_property(net, prop, timeout=60)
    assert result.status in ("sat", "unsat")
    if result.status == "sat":
        assert prop.holds(result.witness, evaluate(net, result.witness)) is not None
    else:
        grid = [Fraction(i, 4) for i in range(-4, 5)]
        assert all(prop.holds((a, b), evaluate(net, (a, b))) is None for a in grid for b in grid)


@settings(max_examples=30)
@given(networks(input_dim=st.just(2), depth=st.integers(1, 3), output_dim=st.integers(1, 3),
                output_activations=("linear", "relu")),
       st.lists(st.tuples(rationals(), rationals(), rationals(), rationals()), min_size=1, max_size=5),
       st.booleans(), st.lists(rationals(), min_size=2, max_size=2))
def test_min_network_is_the_exact_minimum(net, rows, negate, x):
    m = net.output_dim
    constraints = [LinearConstraint((), tuple((j, c) for j, c in enumerate(row[:m]) if c), row[3], ">=") for row in rows]
    y = evaluate(net, x)
    expected = min(c.value(x, y) for c in constraints)
    assert evaluate(_min_network(net, constraints, negate), x) == ((-expected if negate else expected),)


@settings(max_examples=20)
@given(networks(input_dim=st.just(2), depth=st.integers(1, 3), width=st.integers(1, 4), output_dim=st.just(2),
                activations=("relu", "hardtanh", "step", "ltf"), output_activations=("linear",)),
       rationals(), rationals(), st.sampled_from([">=", ">", "<=", "<"]))
def test_the_region_search_and_z3_agree(net, c0, threshold, op):
    text = ("(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)(declare-const Y_1 Real)"
            "(assert (<= X_0 1))(assert (>= X_0 -1))(assert (<= X_1 1/2))(assert (>= X_1 -1))"
            f"(assert ({op} (+ Y_0 (* {c0.numerator}/{c0.denominator} Y_1)) {threshold.numerator}/{threshold.denominator}))")
    prop = parse_vnnlib(text)
    by_z3 = verify_property(net, prop, methods=("z3",), timeout=60)
    assert by_z3.status in ("sat", "unsat")
    assert verify_property(net, prop, timeout=60).status == by_z3.status  # the whole pipeline
    by_regions = verify_property(net, prop, methods=("regions",), timeout=60)
    if by_regions.status in ("sat", "unsat"):  # (it may give up; it must never disagree)
        assert by_regions.status == by_z3.status


def test_shape_mismatch_is_an_input_error():
    with pytest.raises(InputError, match="declares 1 inputs X_i but the network reads 2"):
        verify_property(Network(2, [Layer("linear", [[1, 1]], [0])]), parse_vnnlib(HEAD1))


# -- ACAS Xu, as published ----------------------------------------------------------------------------------

def test_acasxu_sat_unsat_and_a_case_the_bounds_cannot_decide():
    net = load_network(ACAS_1_3)
    sat = verify_property(net, read_vnnlib(DATA / "acasxu_sat.vnnlib"), timeout=120)
    assert sat.status == "sat" and sat.case == 1
    y = evaluate(net, sat.witness)
    assert y == sat.outputs and all(y[0] <= v for v in y[1:])
    unsat = verify_property(net, read_vnnlib(DATA / "acasxu_unsat.vnnlib"), timeout=120)
    assert unsat.status == "unsat" and unsat.details["closed_by_bounds"] == 2
    tight = read_vnnlib(DATA / "acasxu_tight.vnnlib")
    assert verify_property(net, tight, methods=("bounds",)).status == "unknown"  # the bounds cannot
    result = verify_property(net, tight, timeout=120)
    assert result.status == "unsat" and result.details["closed_by_regions"] == 1
    by_z3 = verify_property(net, tight, timeout=120, methods=("z3",))  # the two exact engines agree
    assert by_z3.status == "unsat" and by_z3.details["closed_by_z3"] == 1


# -- output forms and the command line ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (Fraction(1, 8), "0.125"), (Fraction(-3, 2), "(- 1.5)"), (Fraction(7), "7.0"), (Fraction(0), "0.0"),
    (Fraction(1, 3), "(/ 1 3)"), (Fraction(-2, 7), "(/ (- 2) 7)"), (Fraction(3, 100), "0.03")])
def test_smt_numbers_are_exact(value, text):
    assert _smt_number(value) == text


def test_vnncomp_text_parses_back_exactly():
    result = verify_property(KINK, parse_vnnlib(HEAD1 + "(assert (>= Y_0 0))"))
    assert result.vnncomp() == "sat\n((X_0 1.0)\n (Y_0 0.0))"


def test_cli_verify_sat_and_unsat_with_json(capsys):
    code, out, _ = run(capsys, "verify", str(ACAS_1_3), str(DATA / "acasxu_sat.vnnlib"), "--json", "--timeout", "120")
    answer = json.loads(out)
    assert code == 1 and answer["result"] == "sat"
    x = [Fraction(v) for v in answer["witness"]["x"]]
    assert [str(v) for v in evaluate(load_network(ACAS_1_3), x)] == answer["witness"]["y"]
    code, out, _ = run(capsys, "verify", str(ACAS_1_3), str(DATA / "acasxu_unsat.vnnlib"), "--json")
    assert code == 0 and json.loads(out)["result"] == "unsat"


def test_cli_verify_vnncomp_words(capsys, tmp_path):
    write_network(KINK, tmp_path / "kink.json")
    (tmp_path / "p.vnnlib").write_text(HEAD1 + "(assert (> Y_0 0))")
    code, out, _ = run(capsys, "verify", str(tmp_path / "kink.json"), str(tmp_path / "p.vnnlib"), "--vnncomp")
    assert code == 0 and out == "unsat\n"
    (tmp_path / "q.vnnlib").write_text(HEAD1 + "(assert (>= Y_0 0))")
    code, out, _ = run(capsys, "verify", str(tmp_path / "kink.json"), str(tmp_path / "q.vnnlib"), "--vnncomp")
    assert code == 1 and out.splitlines()[0] == "sat" and "(X_0 1.0)" in out


def test_cli_verify_bad_input_exits_2(capsys, tmp_path):
    write_network(KINK, tmp_path / "kink.json")
    (tmp_path / "bad.vnnlib").write_text(HEAD1 + "(assert (not (>= Y_0 0)))")
    code, _, err = run(capsys, "verify", str(tmp_path / "kink.json"), str(tmp_path / "bad.vnnlib"))
    assert code == 2 and "bad.vnnlib: line 5" in err
    code, _, err = run(capsys, "verify", str(tmp_path / "kink.json"), str(DATA / "acasxu_sat.vnnlib"))
    assert code == 2 and "declares 5 inputs" in err
    code, _, err = run(capsys, "verify", str(tmp_path / "kink.json"), str(tmp_path / "bad.vnnlib"), "--timeout", "0")
    assert code == 2 and "--timeout must be a positive" in err


def test_cli_equiv_domain_from_a_vnnlib_file(capsys, tmp_path):
    # relu(x) and x agree exactly on the property's box [0, 1] but not on [-1, 1]
    write_network(Network(1, [Layer("relu", [[1]], [0])]), tmp_path / "relu.json")
    write_network(Network(1, [Layer("linear", [[1]], [0])]), tmp_path / "id.json")
    (tmp_path / "box.vnnlib").write_text("(declare-const X_0 Real)(declare-const Y_0 Real)"
                                         "(assert (>= X_0 0.0))(assert (<= X_0 1))")
    code, out, _ = run(capsys, "equiv", str(tmp_path / "relu.json"), str(tmp_path / "id.json"),
                       "--domain", f"vnnlib:{tmp_path / 'box.vnnlib'}")
    assert code == 0 and "equivalent" in out
    (tmp_path / "wide.vnnlib").write_text(HEAD1)
    code, _, _ = run(capsys, "equiv", str(tmp_path / "relu.json"), str(tmp_path / "id.json"),
                     "--domain", f"vnnlib:{tmp_path / 'wide.vnnlib'}")
    assert code == 1
