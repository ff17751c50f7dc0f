"""Pictures (exactnets.plot, `exactnets plot`, examples/plot_gallery.py): exact data, files, errors."""

from __future__ import annotations

import os
import runpy
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactnets.boolean import inner_product_mod2
from exactnets.cli import main
from exactnets.errors import InputError, ShapeError
from exactnets.evaluate import evaluate
from exactnets.io import write_network
from exactnets.network import Layer, Network
from exactnets.plot import (
    breakpoints_1d, check_output_path, pieces_1d, plot_cube, plot_graph, plot_network, plot_regions,
)
from exactnets.pwl import kinks, pwl_from_network
from tests.strategies import networks, rationals

F = Fraction
ROOT = Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

TENT = Network(1, [Layer("relu", [[1], [1], [1]], [0, "-1/2", -1]), Layer("linear", [[2, -4, 2]], [0])], name="tent")
PLANE = Network(2, [Layer("relu", [[1, 1], [1, -1], [-2, 1]], [0, "-1/2", -1]), Layer("linear", [[1, -1, -1]], ["-1/2"])])


def _png(path) -> bytes:
    data = Path(path).read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 1000
    return data


# -- 1-D breakpoints -------------------------------------------------------------------------------

def test_tent_breakpoints_are_exact():
    assert breakpoints_1d(TENT) == (0, F(1, 2), 1)
    assert [(p.slope, p.intercept) for p in pieces_1d(TENT)] == [(0, 0), (2, 0), (-2, 2), (0, 0)]


def test_step_network_jumps_are_breakpoints():
    # sgn(x - 1/3) + step(x + 1): jumps at -1 and 1/3, flat in between
    net = Network(1, [Layer("ltf", [[1], [1]], ["-1/3", 1]), Layer("linear", [[1, 1]], [0])])
    pieces = pieces_1d(net)
    assert [p.upper for p in pieces[:-1]] == [-1, F(1, 3)]
    assert [p.intercept for p in pieces] == [-2, 0, 2]
    assert all(p.slope == 0 for p in pieces)
    # sgn(0) = +1: at the jump the value is the right-hand piece's
    assert evaluate(net, [F(1, 3)])[0] == 2


@settings(max_examples=80, deadline=None)
@given(networks(input_dim=1, depth=st.integers(1, 3), width=st.integers(1, 4), output_dim=st.integers(1, 2),
                values=rationals(8, 4)), st.data())
def test_pieces_1d_match_the_network(net, data):
    output = data.draw(st.integers(0, net.output_dim - 1))
    pieces = pieces_1d(net, output)
    assert pieces[0].lower is None and pieces[-1].upper is None
    for left, right in zip(pieces, pieces[1:]):
        assert left.upper == right.lower
        assert (left.slope, left.intercept) != (right.slope, right.intercept)  # maximal pieces
    for piece in pieces:  # exact values at interior points of every piece
        if piece.lower is None and piece.upper is None:
            lo, hi = F(-3), F(3)
        else:
            lo = piece.upper - 1 if piece.lower is None else piece.lower
            hi = piece.lower + 1 if piece.upper is None else piece.upper
        for x in (lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3):
            assert piece.value(x) == evaluate(net, [x])[output]
    if all(layer.activation in ("relu", "hardtanh", "linear") for layer in net.layers):
        # the two exact 1-D readings of the project agree
        assert breakpoints_1d(net, output) == kinks(pwl_from_network(net, output))


# -- the three kinds of picture --------------------------------------------------------------------

def test_graph_picture(tmp_path):
    result = plot_graph(TENT, tmp_path / "tent.png")
    _png(result.path)
    assert result.kind == "graph" and result.counts["breakpoints"] == 3
    assert "0, 1/2, 1" in result.caption  # exact breakpoints listed
    two = Network(1, [Layer("relu", [[1], [-1]], [0, "2/3"]), Layer("linear", [[1, 0], [1, 1]], [0, 0])])
    result = plot_graph(two, tmp_path / "two.svg", interval=(-1, 1))
    assert Path(result.path).read_text().lstrip().startswith("<?xml")
    assert result.counts == {"outputs": 2, "breakpoints": 3}


def test_region_picture(tmp_path):
    result = plot_regions(PLANE, tmp_path / "plane.png", box=(-2, 2))
    _png(result.path)
    assert result.kind == "regions" and result.counts["regions"] >= 4 and result.counts["boundary_segments"] >= 1
    pdf = plot_regions(PLANE, tmp_path / "plane.pdf", box=(-2, 2, 0, 1))
    assert Path(pdf.path).read_bytes().startswith(b"%PDF")


def test_cube_picture_of_a_table_and_of_a_network(tmp_path):
    result = plot_cube(inner_product_mod2(4), tmp_path / "ip.png")
    _png(result.path)
    assert result.counts == {"bits": 8, "rows": 16, "columns": 16, "values": 2}
    # a network with 5 inputs, rows = the first 2 bits; values are exact and all listed
    net = Network(5, [Layer("linear", [[1, 2, 0, 0, "1/2"]], [0])])
    result = plot_cube(net, tmp_path / "lin.png", kind="01", split=2)
    assert (result.counts["rows"], result.counts["columns"], result.counts["values"]) == (4, 8, 8)
    assert "from 0 to 7/2" in result.caption
    signed = plot_cube(net, tmp_path / "sgn.png", kind="pm1", split=2, sign=True)
    assert signed.counts["values"] == 2 and "-1, 1" in signed.caption


def test_cube_image_matches_the_communication_matrix(tmp_path, monkeypatch):
    # Catch the matrix handed to imshow: it must be the table reshaped, rows = first `split` bits.
    import matplotlib.axes

    seen = {}
    original = matplotlib.axes.Axes.imshow

    def spy(self, X, *args, **kwargs):
        seen["matrix"] = np.array(X)
        return original(self, X, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "imshow", spy)
    # f(x) = x_1 on {-1,1}^3 (bit z_1 is the row's most significant bit with split = 2)
    net = Network(3, [Layer("linear", [[1, 0, 0]], [0])])
    plot_cube(net, tmp_path / "x1.png", split=2)
    levels = seen["matrix"]
    assert levels.shape == (4, 2)
    # value -1 is level 0, +1 level 1; rows 0, 1 have z_1 = 0 (x_1 = +1), rows 2, 3 have z_1 = 1
    assert levels.tolist() == [[1, 1], [1, 1], [0, 0], [0, 0]]
    plot_cube(net, tmp_path / "x1c.png", split=0)
    assert seen["matrix"].tolist() == [[1, 1, 1, 1, 0, 0, 0, 0]]


def test_library_errors(tmp_path):
    with pytest.raises(InputError, match="jpg"):
        check_output_path(tmp_path / "a.jpg")
    with pytest.raises(ShapeError):
        plot_regions(TENT, tmp_path / "a.png")
    with pytest.raises(InputError, match="16"):
        plot_cube(Network(17, [Layer("ltf", [[1] * 17], [0])]), tmp_path / "a.png")
    with pytest.raises(InputError, match="split"):
        plot_cube(inner_product_mod2(2), tmp_path / "a.png", split=5)
    with pytest.raises(InputError):
        plot_network(Network(3, [Layer("linear", [[1, 1, 1]], [0])]), tmp_path / "a.png")
    with pytest.raises(InputError, match="empty"):
        plot_graph(TENT, tmp_path / "a.png", interval=(1, 0))
    with pytest.raises(InputError, match="folder"):
        plot_graph(TENT, tmp_path / "missing" / "a.png")


# -- the command -----------------------------------------------------------------------------------

@pytest.fixture()
def nets(tmp_path):
    paths = {}
    for name, net in [("one", TENT), ("two", PLANE), ("three", Network(3, [Layer("ltf", [[1, 1, 1]], [0])])),
                      ("big", Network(17, [Layer("ltf", [[1] * 17], [0])]))]:
        paths[name] = str(tmp_path / f"{name}.json")
        write_network(net, paths[name])
    return paths


def test_cli_writes_each_kind(nets, tmp_path, capsys):
    out = tmp_path / "g.png"
    assert main(["plot", nets["one"], "--out", str(out), "--title", "tent map", "--dpi", "60"]) == 0
    _png(out)
    assert "breakpoints: 0, 1/2, 1" in capsys.readouterr().out
    out = tmp_path / "r.png"
    assert main(["plot", nets["two"], "--out", str(out), "--box", "-2,2,-1,3/2"]) == 0
    _png(out)
    assert "[-2, 2] x [-1, 3/2]" in capsys.readouterr().out
    out = tmp_path / "c.png"
    assert main(["plot", nets["three"], "--out", str(out), "--cube", "01", "--split", "1"]) == 0
    _png(out)
    assert "2 x 4 communication matrix" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["three", "--out", "x.png"], "3 inputs"),
    (["big", "--out", "x.png", "--cube", "pm1"], "at most 16"),
    (["two", "--out", "x.png", "--box", "1,1"], "single point"),
    (["two", "--out", "x.png", "--box", "0,1,3,2"], "empty"),
    (["two", "--out", "x.jpg"], "x.jpg"),
    (["two", "--out", "x.png", "--output", "1"], "--output 1"),
    (["one", "--out", "x.png", "--box", "0,1,0,1"], "1 input"),
    (["two", "--out", "x.png", "--box", "0,1,2"], "--box"),
    (["two", "--out", "x.png", "--box", "0,0.5x"], "--box bound 2"),
    (["two", "--out", "x.png", "--split", "1"], "--split goes with --cube"),
    (["three", "--out", "x.png", "--cube", "pm1", "--split", "4"], "--split 4"),
    (["three", "--out", "x.png", "--cube", "pm1", "--box", "0,1"], "not both"),
    (["missing", "--out", "x.png"], "no such file"),
    (["two", "--out", "x.png", "--sign"], "--sign goes with --cube"),
    (["two", "--out", "x.png", "--dpi", "5000"], "dpi"),
])
def test_cli_errors_exit_2(nets, tmp_path, capsys, args, message):
    network = nets.get(args[0], str(tmp_path / "missing.json"))
    argv = ["plot", network, *[str(tmp_path / a) if a.startswith("x.") else a for a in args[1:]]]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not any(p.name.startswith("x.") for p in tmp_path.iterdir())


def test_cli_reads_negative_box_bounds_and_colours_by_piece(nets, tmp_path, capsys):
    out = tmp_path / "neg.svg"
    assert main(["plot", nets["two"], "--out", str(out), "--box", "-1/2,1", "--colour-by", "piece"]) == 0
    printed = capsys.readouterr().out
    assert "[-1/2, 1] x [-1/2, 1]" in printed and "coloured by piece" in printed
    assert out.read_text().lstrip().startswith("<?xml")


# -- the gallery -----------------------------------------------------------------------------------

def test_gallery_writes_every_picture(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "gallery"
    monkeypatch.setattr("sys.argv", ["plot_gallery.py", str(folder)])
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(ROOT / "examples" / "plot_gallery.py"), run_name="__main__")
    assert stop.value.code == 0
    pictures = {"sawtooth", "hard_composition", "ps_running_example", "zonotope_gauge", "zonotope_H", "ip8"}
    assert {p.name for p in folder.iterdir() if p.suffix == ".png"} == {f"{name}.png" for name in pictures}
    for name in pictures:
        _png(folder / f"{name}.png")
        if name != "ip8":  # every network picture comes with its network, for `exactnets plot`
            assert (folder / f"{name}.json").exists()
    lines = {line.split(" written to ")[1].split(" (")[0]: line for line in capsys.readouterr().out.splitlines()
             if " written to " in line}
    summary = {os.path.basename(path): line for path, line in lines.items()}
    assert "breakpoints 9)" in summary["sawtooth.png"]  # 2^3 pieces on [0, 1]: breakpoints k/8, k = 0..8
    assert "breakpoints 6)" in summary["hard_composition.png"]  # 3 x 2 pieces on [0, 1], none at 1 (CLAIMS ABMM-Def8)
    assert "pieces 8," in summary["zonotope_gauge.png"]  # an octagon zonotope: 8 cones
    assert "boundary_segments 8)" in summary["zonotope_gauge.png"]  # its unit level set, an octagon
    assert "(bits 8, rows 16, columns 16, values 2)" in summary["ip8.png"]
