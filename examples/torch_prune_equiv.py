"""Train in PyTorch, export to ONNX, prune and quantise, and ask exactnets whether the decisions changed.

    python examples/torch_prune_equiv.py

A small ReLU network learns a disc in the square [-1, 1]^2 (seeded, a few hundred steps on the
CPU).  It is exported to ONNX and read back by exactnets at the exact binary values of its float32
weights.  Three compressed copies are made the way a deployment would:

* *dead units removed*: hidden units that exactnets' sound bounds show are never active on the
  square lose their outgoing weights -- exactnets proves the decisions unchanged;
* *magnitude pruning*: the 20% smallest weights of each layer set to zero;
* *quantisation*: every weight and bias rounded to a multiple of 1/16.

For each, exactnets decides *exactly* whether the copy takes the same decision (the sign of the
output, sgn(0) = +1) as the original at every point of the square: a proof when it does, an exact
counterexample (replayed through the exact evaluator) when it does not.  Needs the torch extra
(pip install 'exactnets[torch]').
"""

from __future__ import annotations

import pathlib
import tempfile
import time
import warnings

import torch

from exactnets.domains import Box
from exactnets.evaluate import evaluate
from exactnets.io import from_torch, read_onnx
from exactnets.rational import format_rational
from exactnets.verify.bounds import symbolic_bounds
from exactnets.verify.equivalence import check_equivalence


def train() -> torch.nn.Sequential:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 8), torch.nn.ReLU(),
                              torch.nn.Linear(8, 1))
    x = torch.rand(512, 2) * 2 - 1
    y = ((x**2).sum(dim=1) < 0.5).float() * 2 - 1  # +1 inside the disc, -1 outside
    optimiser = torch.optim.Adam(net.parameters(), lr=0.02)
    for _ in range(300):
        optimiser.zero_grad()
        loss = torch.nn.functional.softplus(-y * net(x).squeeze(1)).mean()  # logistic loss
        loss.backward()
        optimiser.step()
    accuracy = ((net(x).squeeze(1) >= 0).float() * 2 - 1 == y).float().mean().item()
    print(f"trained: logistic loss {loss.item():.3f}, training accuracy {accuracy:.1%}")
    return net


def export(module: torch.nn.Module, path: pathlib.Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its deprecation
        torch.onnx.export(module, (torch.zeros(1, 2),), str(path), dynamo=False)


def copy_of(module: torch.nn.Sequential) -> torch.nn.Sequential:
    copy = torch.nn.Sequential(*[torch.nn.Linear(m.in_features, m.out_features) if isinstance(m, torch.nn.Linear) else m
                                 for m in module])
    copy.load_state_dict(module.state_dict())
    return copy


def without_dead_units(module: torch.nn.Sequential, square: Box) -> tuple[torch.nn.Sequential, int]:
    """Zero the outgoing weights of hidden units whose pre-activation is provably <= 0 on the square."""
    bounds = symbolic_bounds(from_torch(module), square)  # sound bounds, exact rationals
    copy = copy_of(module)
    linears = [m for m in copy if isinstance(m, torch.nn.Linear)]
    dead = 0
    with torch.no_grad():
        for layer_bounds, following in zip(bounds[:-1], linears[1:]):
            for unit, upper in enumerate(layer_bounds.upper):
                if upper is not None and upper <= 0:  # relu(t) = 0 everywhere on the square
                    following.weight[:, unit] = 0
                    dead += 1
    return copy, dead


def compressed(module: torch.nn.Sequential, how: str) -> torch.nn.Sequential:
    copy = copy_of(module)
    with torch.no_grad():
        for layer in copy:
            if isinstance(layer, torch.nn.Linear):
                w = layer.weight
                if how == "pruned":  # zero the 20% smallest weights of the layer
                    threshold = w.abs().flatten().kthvalue(max(1, int(0.2 * w.numel()))).values
                    w[w.abs() <= threshold] = 0
                else:  # quantise weights and biases to multiples of 1/16 (exact in float32)
                    w.copy_(torch.round(w * 16) / 16)
                    layer.bias.copy_(torch.round(layer.bias * 16) / 16)
    return copy


def main() -> None:
    started = time.perf_counter()
    torch.set_num_threads(1)  # a tiny network: threads cost more than they give
    module = train()
    square = Box.uniform(2, -1, 1)
    lean, dead = without_dead_units(module, square)
    copies = [(f"without its {dead} dead unit(s)", lean), ("pruned", compressed(module, "pruned")),
              ("quantised", compressed(module, "quantised"))]
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        export(module, folder / "original.onnx")
        original = read_onnx(folder / "original.onnx")
        assert original == from_torch(module)  # the ONNX route and the PyTorch route read the same rationals
        for index, (name, copy) in enumerate(copies):
            export(copy, folder / f"copy{index}.onnx")
            small = read_onnx(folder / f"copy{index}.onnx")
            # the portfolio: a short z3 try (its exact encoding drops provably dead units), then the
            # region search (exact bounds and LPs prove, a float attack proposes counterexamples)
            result = check_equivalence(original, small, square, "decision", timeout=10)
            print(f"{name}: {result.verdict} ({result.method.split(' (')[0]}, {result.seconds:.2f} s)")
            if result.counterexample is not None:
                x = result.counterexample.x
                fx, gx = evaluate(original, x)[0], evaluate(small, x)[0]
                print(f"    at x = ({', '.join(format_rational(v) for v in x)})"
                      f" ~ ({', '.join(f'{float(v):.4f}' for v in x)})")
                print(f"    original output {float(fx):+.6f}, {name} {float(gx):+.6f}: the decisions differ")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
