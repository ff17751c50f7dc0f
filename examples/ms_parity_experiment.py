"""Malach & Shalev-Shwartz, Figure 1 (CLAIMS.md EXP-MS-Fig1): a k-parity of n bits, learned by a
one-hidden-layer ReLU net with Adam, fails on uniform inputs and succeeds when P[x_i = 1] = 0.6.

Full setting (the paper's): k = 5 of n = 128 bits, 128 hidden units, Adam.  The paper states no
loss, learning rate, batch size or number of steps; ours (documented choices): logistic loss,
learning rate 1e-3, batches of 128 fresh samples a step, 20000 steps, a fixed test set of 2000.
``--quick`` shrinks it to k = 3 of n = 24 bits and 400 steps (a few seconds).

The exact side, with exactnets:
* the label correlations E[x_j y] are computed exactly (Fractions): 0 for every bit under the
  uniform distribution, prod_{I minus {j}} (2p - 1) = (1/5)^(k-1) for a relevant bit under p = 3/5
  (MS Lemma 6's formula), and the closed forms are cross-checked by exact enumeration
  (exactnets.boolean.product) on the relevant bits plus one other;
* each trained network is read back exactly (every float32 weight at its binary value) and its
  test accuracy on a slice of the test set is recomputed in exact rational arithmetic.

Usage: python examples/ms_parity_experiment.py [--quick] [--out DIR] [--steps T] [--seed S]
"""

from __future__ import annotations

import argparse
import os
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from exactnets.boolean import TruthTable, bias, coordinate_correlation  # noqa: E402
from exactnets.evaluate import evaluate_batch  # noqa: E402
from exactnets.io.torch_io import from_torch  # noqa: E402

DISTRIBUTIONS = {"uniform": Fraction(1, 2), "biased": Fraction(3, 5)}  # P[x_i = +1]


def exact_correlations(k: int, p: Fraction) -> tuple[Fraction, Fraction, Fraction]:
    """``(E[y], E[x_j y] for j in I, E[x_j y] for j not in I)`` for y = prod_{j in I} x_j, |I| = k.

    Closed forms (independent coordinates, E[x_j] = 2p - 1), checked by exact enumeration of the
    k relevant bits and one irrelevant bit.
    """
    m = 2 * p - 1
    closed = (m**k, m ** (k - 1), m ** (k + 1))
    table = TruthTable.from_function(k + 1, lambda x: int(np.prod(x[:k])))  # bit k is irrelevant
    probabilities = [p] * (k + 1)
    enumerated = (bias(table, probabilities), coordinate_correlation(table, 0, probabilities),
                  coordinate_correlation(table, k, probabilities))
    if enumerated != closed:
        raise AssertionError(f"closed forms {closed} disagree with enumeration {enumerated}")
    return closed


def sample(generator: torch.Generator, size: int, n: int, p: Fraction, relevant: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.where(torch.rand(size, n, generator=generator) < float(p), 1.0, -1.0)
    return x, x[:, relevant].prod(dim=1)


def train(n: int, k: int, width: int, p: Fraction, steps: int, seed: int, evaluations: int = 40,
          batch: int = 128, lr: float = 1e-3, test_size: int = 2000) -> tuple[list[int], list[float], torch.nn.Module, tuple]:
    """Adam on fresh batches; returns the evaluation steps, test accuracies, the model and the test set."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    relevant = torch.randperm(n, generator=generator)[:k]
    test = sample(generator, test_size, n, p, relevant)
    model = torch.nn.Sequential(torch.nn.Linear(n, width), torch.nn.ReLU(), torch.nn.Linear(width, 1))
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    marks, accuracies = [], []
    every = max(1, steps // evaluations)
    for step in range(steps + 1):
        if step % every == 0 or step == steps:
            with torch.no_grad():
                predictions = torch.where(model(test[0])[:, 0] >= 0, 1.0, -1.0)
            marks.append(step)
            accuracies.append(float((predictions == test[1]).float().mean()))
        if step == steps:
            break
        x, y = sample(generator, batch, n, p, relevant)
        loss = torch.nn.functional.softplus(-y * model(x)[:, 0]).mean()  # logistic loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return marks, accuracies, model, test


def exact_accuracy(model: torch.nn.Module, test: tuple, count: int) -> int:
    """How many of the first ``count`` test points the exact network classifies right (sgn(0) = +1)."""
    net = from_torch(model)
    points = test[0][:count].numpy().astype(np.int64)
    labels = test[1][:count].numpy().astype(np.int64)
    batch = evaluate_batch(net, points)
    signs = np.where(np.array([int(v) >= 0 for v in batch.numerators[:, 0]]), 1, -1)
    return int((signs == labels).sum())


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="k = 3 of n = 24 bits, 400 steps (seconds)")
    parser.add_argument("--out", default=".", help="directory for ms_parity_experiment.png")
    parser.add_argument("--steps", type=int, default=None, help="Adam steps (default 20000, quick 400)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n, k, width, steps = (24, 3, 64, 400) if args.quick else (128, 5, 128, 20000)
    steps = args.steps if args.steps is not None else steps
    torch.set_num_threads(1)

    results: dict[str, object] = {}
    plt.figure(figsize=(6, 4))
    for name, p in DISTRIBUTIONS.items():
        bias, inside, outside = exact_correlations(k, p)
        print(f"{name} (P[x_i = 1] = {p}): exact E[y] = {bias}, E[x_j y] = {inside} for j in I, {outside} for j not in I")
        marks, accuracies, model, test = train(n, k, width, p, steps, args.seed)
        count = 200 if args.quick else 500
        exact = exact_accuracy(model, test, count)
        print(f"{name}: final test accuracy {accuracies[-1]:.3f}; the trained net read exactly classifies "
              f"{exact} of the first {count} test points right")
        results[name] = {"correlation": inside, "accuracy": accuracies[-1], "exact_correct": exact}
        plt.plot(marks, accuracies, label=f"{name}: P[x_i = 1] = {p}")
    plt.xlabel("Adam steps")
    plt.ylabel("test accuracy")
    plt.title(f"{k}-parity of n = {n} bits, {width} ReLU units")
    plt.ylim(0.4, 1.02)
    plt.legend()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "ms_parity_experiment.png")
    plt.savefig(path, dpi=100, bbox_inches="tight")
    plt.close()
    print(f"wrote {path}")
    return results


if __name__ == "__main__":
    main()
