"""An exact rank with its certificate: the communication matrix of disjointness on 4 + 4 bits
(16 x 16) and of a small ReLU net, each with evidence a reader can re-check without trusting us."""

from exactnets.linalg import named_matrix, network_matrix, rank
from exactnets.network import Layer, Network

disj = named_matrix("disj", 4)                       # M[x, y] = DISJ(x, y) on {-1,1}^4 x {-1,1}^4
result = rank(disj, seed=1)                          # modular ranks, then an exact certificate
cert = result.certificate
print("rank(DISJ_4) =", result.rank, "over", result.field)  # full rank: 16
print(f"  witness: a {len(cert.rows)} x {len(cert.cols)} minor, nonsingular mod the prime {cert.prime}")
print("  re-check:", cert.verify(disj).status)       # the minor is recomputed, not read back

# A ReLU net's matrix: one unit relu(x1 + x2 + y1 - y2) has few distinct row values, so low rank.
net = Network(4, [Layer("relu", [[1, 1, 1, -1]], [0]), Layer("linear", [[1]], [0])])
m = network_matrix(net, 2)                           # rows: x = (x1, x2); columns: y = (y1, y2)
low = rank(m, seed=1)
print("rank of relu(x1 + x2 + y1 - y2) as a 4 x 4 matrix =", low.rank)
c = low.certificate
print("  witnesses: minor rows", c.rows, "cols", c.cols, "(lower bound); every row a combination of rows",
      c.factor_rows, "(upper bound) --", c.verify(m).status)
