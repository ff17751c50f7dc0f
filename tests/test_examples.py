"""Every script in examples/ runs (``--quick`` and a temporary output directory where it takes
them), and the exact facts the scripts print are right.  quickstart.py, torch_prune_equiv.py and
plot_gallery.py are tested elsewhere."""

from __future__ import annotations

import re
import runpy
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TESTED_ELSEWHERE = {"quickstart.py", "torch_prune_equiv.py", "plot_gallery.py"}
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if p.name not in TESTED_ELSEWHERE)


def run(name: str, tmp_path: Path, monkeypatch, capsys) -> str:
    """Run an example as ``__main__`` in this process; scripts with options get ``--quick --out tmp``."""
    source = (EXAMPLES / name).read_text()
    argv = [name] + (["--quick", "--out", str(tmp_path)] if "--quick" in source else [])
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.chdir(tmp_path)  # anything written by accident lands here
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return capsys.readouterr().out


def fractions_in(text: str) -> list[Fraction]:
    return [Fraction(t) for t in re.findall(r"'(-?\d+(?:/\d+)?)'", text)]


def test_the_list_of_examples():
    assert set(FACTS) <= set(SCRIPTS)


def check_equivalence_query(out: str, tmp_path: Path) -> None:
    lines = out.splitlines()
    assert lines[0].startswith("max_a vs max_b on R^2: equivalent")
    assert lines[1] == "max_a vs relu(x1)+relu(x2) on R^2: counterexample"
    x1, x2 = fractions_in(lines[2])
    maximum = max(x1, x2)
    relu_sum = max(x1, 0) + max(x2, 0)
    assert maximum != relu_sum
    assert f"max = {maximum} , other = {relu_sum}" in lines[2]
    y1, y2 = fractions_in(lines[3])
    assert lines[3].startswith("on {-1,1}^2: counterexample") and {y1, y2} <= {1, -1}
    assert max(y1, y2) != max(y1, 0) + max(y2, 0)


def check_construction_checked(out: str, tmp_path: Path) -> None:
    lines = out.splitlines()
    a, b = [Fraction(3), Fraction(-2), Fraction(1, 2), Fraction(1)], Fraction(-1, 4)
    import itertools

    values = [sum(w * v for w, v in zip(a, x)) + b for x in itertools.product((1, -1), repeat=4)]
    p = -max(t for t in values if t < 0)
    assert lines[0] == f"p = {p}" and p == Fraction(3, 4)
    assert lines[1].endswith("equivalent")
    x = [Fraction(v) for v in re.findall(r"'(-?\d+)'", lines[2])]
    t = sum(w * v for w, v in zip(a, x)) + b
    ltf = 1 if t >= 0 else -1
    q = 2 * p
    gadget = -1 + (2 / q) * (max(t + q, 0) - max(t, 0))
    assert ltf != gadget and lines[2].endswith(f"LTF = {ltf} ReLUs = {gadget}")
    assert lines[3].startswith("on R^4: counterexample")


def check_exact_rank(out: str, tmp_path: Path) -> None:
    assert "rank(DISJ_4) = 16 over Q" in out
    # relu(s + t) with s = x1 + x2 in {2, 0, 0, -2}, t = y1 - y2: rows (2,4,0,2), (0,2,0,0) twice, 0.
    assert "as a 4 x 4 matrix = 2" in out
    assert out.count("proved") == 2


def check_exact_training(out: str, tmp_path: Path) -> None:
    lines = out.splitlines()
    # One ReLU through the origin cannot fit XOR: the best mean l1 loss is 1/4 (one corner wrong).
    assert lines[0] == "width 1: optimal l1 loss = 1/4 (exact certificate)"
    assert lines[3] == "width 2: optimal l1 loss = 0 (exact certificate)"
    assert lines[6] == "  outputs on the data: ['0', '1', '1', '0']"
    # Rebuild the printed width-2 network and evaluate it exactly.
    units = [re.match(r"  (-?\d+) \* relu\(<\((-?\d+), (-?\d+)\)\, x> \+ (-?\d+)\)", line).groups() for line in lines[4:6]]
    net = Network(2, [Layer("relu", [[u[1], u[2]] for u in units], [u[3] for u in units]),
                      Layer("linear", [[u[0] for u in units]], [0])])
    assert [evaluate(net, x)[0] for x in ([0, 0], [0, 1], [1, 0], [1, 1])] == [0, 1, 1, 0]


def check_ms_parity_experiment(out: str, tmp_path: Path) -> None:
    # k = 3 quick: uniform gives no correlation at all; P[x_i = 1] = 3/5 gives E[x_i] = 1/5, so
    # E[y] = (1/5)^3, a relevant bit (1/5)^2, any other bit (1/5)^4 (MS Lemma 6's formula).
    assert "uniform (P[x_i = 1] = 1/2): exact E[y] = 0, E[x_j y] = 0 for j in I, 0 for j not in I" in out
    assert "biased (P[x_i = 1] = 3/5): exact E[y] = 1/125, E[x_j y] = 1/25 for j in I, 1/625 for j not in I" in out
    for correct in re.findall(r"classifies (\d+) of the first 200", out):
        assert 0 <= int(correct) <= 200
    assert (tmp_path / "ms_parity_experiment.png").stat().st_size > 1000


def check_ps_learnability_experiment(out: str, tmp_path: Path) -> None:
    assert "d=3 n=3: the 7-unit threshold net (PS Thm 2) reproduces all 2000 labels exactly: True" in out
    assert len(re.findall(r"test error \d\.\d{3}", out)) == 3
    assert (tmp_path / "ps_learnability_experiment.png").stat().st_size > 1000


#: The exact facts each script prints, checked after it ran (scripts without an entry must just run).
FACTS = {"equivalence_query.py": check_equivalence_query, "construction_checked.py": check_construction_checked,
         "exact_rank.py": check_exact_rank, "exact_training.py": check_exact_training,
         "ms_parity_experiment.py": check_ms_parity_experiment,
         "ps_learnability_experiment.py": check_ps_learnability_experiment}


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_and_prints_the_right_facts(name, tmp_path, monkeypatch, capsys):
    out = run(name, tmp_path, monkeypatch, capsys)
    assert out.strip()
    if "--out" in (EXAMPLES / name).read_text():
        assert list(tmp_path.glob("*.png")), "the experiment writes its plot into --out"
    if name in FACTS:
        FACTS[name](out, tmp_path)


def test_ps_exact_fact_would_catch_a_wrong_label():
    module = runpy.run_path(str(EXAMPLES / "ps_learnability_experiment.py"), run_name="ps_example")
    from exactnets.constructions.pan_srikumar import sec5_dataset, sec5_generator_net

    net = sec5_generator_net(3, 3, 0)
    points, labels = sec5_dataset(net, 200, 0)
    assert module["threshold_net_reproduces"](net, points, labels) == (7, True)
    labels = labels.copy()
    labels[17] = -labels[17]
    assert module["threshold_net_reproduces"](net, points, labels) == (7, False)
