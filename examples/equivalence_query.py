"""Two equivalence queries: one pair of ReLU nets proved equal on all of R^2, one refuted with an
exact counterexample that exactnets replays through its exact evaluator."""

from exactnets.evaluate import evaluate
from exactnets.network import Layer, Network
from exactnets.verify.equivalence import check_equivalence

# max(x1, x2) written two ways: x2 + relu(x1 - x2), and (x1 + x2)/2 + |x1 - x2|/2 with |t| = relu(t) + relu(-t).
max_a = Network(2, [Layer("relu", [[1, -1], [0, 1], [0, -1]], [0, 0, 0]),   # relu(x2) - relu(-x2) = x2
                    Layer("linear", [[1, 1, -1]], [0])])
max_b = Network(2, [Layer("relu", [[1, 1], [-1, -1], [1, -1], [-1, 1]], [0, 0, 0, 0]),
                    Layer("linear", [["1/2", "-1/2", "1/2", "1/2"]], [0])])
# A wrong guess: relu(x1) + relu(x2) agrees with max only where one coordinate is <= 0 and the other >= 0.
wrong = Network(2, [Layer("relu", [[1, 0], [0, 1]], [0, 0]), Layer("linear", [[1, 1]], [0])])

same = check_equivalence(max_a, max_b, "reals", timeout=60)
print("max_a vs max_b on R^2:", same.verdict, "--", same.method)          # equivalent

diff = check_equivalence(max_a, wrong, "reals", timeout=60)
print("max_a vs relu(x1)+relu(x2) on R^2:", diff.verdict)                 # counterexample
x = diff.counterexample.x
print("  at x =", [str(v) for v in x], ": max =", str(evaluate(max_a, x)[0]), ", other =", str(evaluate(wrong, x)[0]))

on_cube = check_equivalence(max_a, wrong, "cube", timeout=60)             # on {-1,1}^2 they differ too
print("on {-1,1}^2:", on_cube.verdict, [str(v) for v in on_cube.counterexample.x])
