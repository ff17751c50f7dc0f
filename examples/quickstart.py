"""The README's first example: build a network, evaluate it exactly, look at its Boolean function."""

from exactnets.boolean import fourier_coefficients, network_truth_table
from exactnets.evaluate import evaluate, evaluate_cube
from exactnets.network import Layer, Network

net = Network(3, [Layer("relu", [[1, "-1/2", 0], [0, 2, "0.75"]], [0, "1/3"]),   # exact: 0.75 is 3/4
                  Layer("linear", [[1, -1]], ["1/2"])])
print(evaluate(net, ["1/2", -3, 0]))                  # (Fraction(5, 2),)
print(evaluate_cube(net).row(0))                      # outputs at x = (1, 1, 1)
table = network_truth_table(net)                      # sgn(net(x)) on {-1,1}^3, sgn(0) = +1
print([str(c) for c in fourier_coefficients(table)])  # exact Fourier coefficients, by subset mask
