"""Statements of the papers that no finite check can decide: asymptotic bounds, probabilistic
guarantees, and results the papers only cite.  Listed so a reader sees what ``prove`` does not do."""

from proofs.registry import cite_only

cite_only("MB-Thm2.4", "MB", "LTF-of-ReLU agreeing with Andreev's function on 1/2 + eps of inputs needs near-linear size",
          "asymptotic in n (for n >= N(delta)); its finite components are checked separately")
cite_only("MB-Thm2.6", "MB", "the Arkadev-Nikhil function has sign-rank 2^Omega(n^(1/3))",
          "a cited lower bound (Chattopadhyay-Mande), asymptotic; small (a, b) variants only give upper bounds")
cite_only("MS-Thm2", "MS", "layerwise gradient descent learns tree circuits under LCA product distributions",
          "a probability >= 1 - delta statement about a randomized algorithm; only its returned networks can be checked")
