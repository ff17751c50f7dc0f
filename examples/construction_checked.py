"""A construction checked, not trusted: an LTF on {-1,1}^n as a Sum of 2 ReLUs (Mukherjee & Basu,
App. B, Claim 5): LTF(x) = -1 + (2/p)(ReLU(t + p) - ReLU(t)), t = <a,x> + b, p = the largest
negative value of t on the cube, negated."""

from exactnets.constructions.mukherjee_basu import ltf_as_two_relus, ltf_gap
from exactnets.network import Layer, Network
from exactnets.verify.equivalence import check_equivalence

a, b = [3, -2, "1/2", 1], "-1/4"                      # an LTF with rational weights on {-1,1}^4
ltf = Network(4, [Layer("ltf", [a], [b])])            # sgn(<a,x> + b), sgn(0) = +1
p = ltf_gap(a, b)
print("p =", p)                                       # 3/4: t never lies strictly between -p and 0

relus = ltf_as_two_relus(a, b)                        # 2 hidden ReLUs and the output constant -1
result = check_equivalence(ltf, relus, "cube")        # exhaustive over the 16 points, exact
print("LTF == -1 + (2/p)(R(t+p) - R(t)) on the cube:", result.verdict)

too_wide = ltf_as_two_relus(a, b, p=2 * p)            # a larger p puts some t on the sloped piece
bad = check_equivalence(ltf, too_wide, "cube")
cx = bad.counterexample
print("with 2p instead:", bad.verdict, "at x =", [str(v) for v in cx.x], "LTF =", str(cx.f[0]), "ReLUs =", str(cx.g[0]))

on_reals = check_equivalence(ltf, relus, "reals")     # off the cube the gadget is only a ramp
print("on R^4:", on_reals.verdict, "at x =", [str(v) for v in on_reals.counterexample.x])
