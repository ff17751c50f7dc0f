"""Pan & Srikumar, Sec. 5 (CLAIMS.md EXP-PS-Sec5): data labelled by a random 2-layer ReLU net,
learned by (1) a ReLU net with n units, (2) a "compressed tanh" net tanh(c t), c = 10000, with n
units and (3) compressed tanh with 2^n units.

Data: the generators of ``exactnets.constructions.pan_srikumar.sec5_generator_net`` (d inputs,
n hidden ReLUs, all output weights positive -- the case where a 2-layer threshold net suffices)
for d in {3, 10, 50} and n in {3, 10}; 10000 inputs, integer points of [-1000, 1000]^d labelled
exactly, 1500 kept for testing (``sec5_dataset``).  The paper states neither distribution; these
are ours.  Training (the paper's): SGD with minibatches of 20, L2 coefficient 1e-4, early stopping
(patience 10 epochs on a validation tenth of the training set) within 1000 epochs, learning rate
chosen on that validation set from {1, 0.1, 0.01, 0.001, 0.0001}.  Not stated in the paper (ours):
logistic loss, inputs divided by 1000.  ``--quick``: d = 3, n = 3 only, 2000 examples, 5 epochs,
learning rate 0.1.

The exact fact behind it: with all output weights positive, the 2-layer threshold net of PS
Theorem 2 (part 1) with 2^n - 1 units -- one per nonempty subset S of the hidden units, testing
w0 + sum_S a_k(x) >= 0 -- labels every example exactly as the ReLU net does.  So learner (3) can
express the concept; its failures are the optimiser's.  The script checks this exactly on every
example (exactnets evaluation in rationals) and prints it.

Usage: python examples/ps_learnability_experiment.py [--quick] [--out DIR] [--steps EPOCHS] [--seed S]
"""

from __future__ import annotations

import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from exactnets.constructions.pan_srikumar import (relu_to_threshold_single_sign, sec5_dataset,  # noqa: E402
                                                  sec5_generator_net)
from exactnets.evaluate import evaluate_batch  # noqa: E402

C = 10000.0  # the compression of tanh(c t)
RATES = (1.0, 0.1, 0.01, 0.001, 0.0001)


class CompressedTanh(torch.nn.Module):
    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return torch.tanh(C * t)


def learner(kind: str, d: int, units: int) -> torch.nn.Module:
    activation = torch.nn.ReLU() if kind == "relu" else CompressedTanh()
    return torch.nn.Sequential(torch.nn.Linear(d, units), activation, torch.nn.Linear(units, 1))


def error(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((torch.where(model(x)[:, 0] >= 0, 1.0, -1.0) != y).float().mean())


def fit(kind: str, units: int, data: tuple, lr: float, epochs: int, seed: int) -> tuple[torch.nn.Module, float]:
    """SGD (minibatch 20, L2 1e-4) with early stopping on the validation split; returns the best model."""
    (x, y), (xv, yv) = data
    torch.manual_seed(seed)
    model = learner(kind, x.shape[1], units)
    optimiser = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=1e-4)
    best, best_state, patience = float("inf"), None, 0
    for _ in range(epochs):
        for batch in torch.randperm(len(y)).split(20):
            loss = torch.nn.functional.softplus(-y[batch] * model(x[batch])[:, 0]).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        validation = error(model, xv, yv)
        if not validation < best and patience >= 10:
            break
        if validation < best:
            best, best_state, patience = validation, {k: v.clone() for k, v in model.state_dict().items()}, 0
        else:
            patience += 1
    if best_state is not None:
        model.load_state_dict(best_state)
    return model, best


def threshold_net_reproduces(net, points: np.ndarray, labels: np.ndarray) -> tuple[int, bool]:
    """PS Thm 2 part 1: the 2^n - 1 unit threshold net, evaluated exactly on every example."""
    threshold = relu_to_threshold_single_sign(net)
    outputs = evaluate_batch(threshold, points)
    signs = np.where(np.array([int(v) >= 0 for v in outputs.numerators[:, 0]]), 1, -1)
    return threshold.layers[0].out_dim, bool((signs == labels).all())


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 3, n = 3, 2000 examples, 5 epochs (seconds)")
    parser.add_argument("--out", default=".", help="directory for ps_learnability_experiment.png")
    parser.add_argument("--steps", type=int, default=None, help="maximum epochs (default 1000, quick 5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    settings = [(3, 3)] if args.quick else [(d, n) for n in (3, 10) for d in (3, 10, 50)]
    count, test_count = (2000, 300) if args.quick else (10000, 1500)
    epochs = args.steps if args.steps is not None else (5 if args.quick else 1000)
    rates = (0.1,) if args.quick else RATES
    torch.set_num_threads(1)

    errors: dict[str, dict[str, float]] = {}
    for d, n in settings:
        net = sec5_generator_net(d, n, args.seed)
        points, labels = sec5_dataset(net, count, args.seed)
        units, exact = threshold_net_reproduces(net, points, labels)
        print(f"d={d} n={n}: the {units}-unit threshold net (PS Thm 2) reproduces all {count} labels exactly: {exact}"
              f" ({int((labels == 1).sum())} positive)")
        x = torch.tensor(points / 1000.0, dtype=torch.float32)
        y = torch.tensor(labels, dtype=torch.float32)
        train_x, train_y, test_x, test_y = x[test_count:], y[test_count:], x[:test_count], y[:test_count]
        cut = len(train_y) // 10  # validation tenth, for the learning rate and early stopping
        data = ((train_x[cut:], train_y[cut:]), (train_x[:cut], train_y[:cut]))
        row = {}
        for name, kind, width in (("ReLU, n units", "relu", n), ("tanh(c t), n units", "tanh", n),
                                  ("tanh(c t), 2^n units", "tanh", 2**n)):
            model = min((fit(kind, width, data, lr, epochs, args.seed) for lr in rates), key=lambda m: m[1])[0]
            row[name] = error(model, test_x, test_y)
            print(f"d={d} n={n}: {name}: test error {row[name]:.3f}")
        errors[f"d={d}, n={n}"] = row

    names = list(next(iter(errors.values())))
    positions = np.arange(len(errors))
    plt.figure(figsize=(max(5, 1.5 * len(errors)), 4))
    for k, name in enumerate(names):
        plt.bar(positions + (k - 1) * 0.27, [errors[s][name] for s in errors], width=0.27, label=name)
    plt.xticks(positions, list(errors))
    plt.ylabel("test error")
    plt.title("Pan & Srikumar Sec. 5: learning ReLU-generated labels")
    plt.legend()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "ps_learnability_experiment.png")
    plt.savefig(path, dpi=100, bbox_inches="tight")
    plt.close()
    print(f"wrote {path}")
    return errors


if __name__ == "__main__":
    main()
