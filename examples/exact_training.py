"""Exact training (Arora, Basu, Mianjy & Mukherjee, Algorithm 1): the globally optimal 2-layer ReLU
net for a tiny data set, its loss as an exact rational, and a certificate that nothing is better."""

from exactnets.evaluate import evaluate
from exactnets.rational import format_rational
from exactnets.train import TrainProblem, train

# XOR on the corners of the unit square: labels 0, 1, 1, 0.
points = [[0, 0], [0, 1], [1, 0], [1, 1]]
labels = [0, 1, 1, 0]

for width in (1, 2):
    problem = TrainProblem(points, labels, width=width, loss="l1")   # mean of |net(x) - y|, no output bias
    result = train(problem)                                          # enumerates activation patterns
    print(f"width {width}: optimal l1 loss = {format_rational(result.objective)} ({result.certified} certificate)")
    hidden, output = result.network.layers
    for row, b, v in zip(hidden.weights, hidden.bias, output.weights[0]):
        print(f"  {format_rational(v)} * relu(<({', '.join(map(format_rational, row))}), x> + {format_rational(b)})")
    print("  outputs on the data:", [format_rational(evaluate(result.network, p)[0]) for p in points])
