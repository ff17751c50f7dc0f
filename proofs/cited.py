"""Statements of the papers that no finite check can decide: asymptotic bounds, probabilistic
guarantees, and results the papers only cite.  Listed so a reader sees what ``prove`` does not do."""

from proofs.registry import cite_only

cite_only("MB-Thm2.4", "MB", "LTF-of-ReLU agreeing with Andreev's function on 1/2 + eps of inputs needs near-linear size",
          "asymptotic in n (for n >= N(delta)); its finite components are checked separately")
cite_only("MB-Thm2.6", "MB", "the Arkadev-Nikhil function has sign-rank 2^Omega(n^(1/3))",
          "a cited lower bound (Chattopadhyay-Mande), asymptotic; small (a, b) variants only give upper bounds")
cite_only("MS-Thm2", "MS", "layerwise gradient descent learns tree circuits under LCA product distributions",
          "a probability >= 1 - delta statement about a randomized algorithm; only its returned networks can be checked")
cite_only("ABMM-Thm2.3", "ABMM", "every L^q(R^n) function is an L^q limit of ReLU nets with ceil(log2(n+1)) hidden layers",
          "a limit statement over function spaces; no finite instance decides it (the exact constructions behind it, "
          "ABMM-Thm2.1 and ABMM-Thm2.2, are checked)")
cite_only("ABMM-Thm3.5", "ABMM", "an L1([0,1]) depth gap: f_(k,w) stays delta away from every shallower net of bounded size",
          "the size bound of its class G_(k',delta) is lost in the available text; the exact piece counts it rests on "
          "(ABMM-Thm3.1, ABMM-LemB.1) are checked")
cite_only("VS-Thm-Barrier", "VS", "a depth separation between ReLU nets of depth k >= 4 and k' > k implies one between "
          "threshold circuits of depth k - 2 and a larger constant",
          "a reduction between open separation problems; only its gadgets (VS-TC-gadget, VS-Thm-SmallWeights) are finite")
cite_only("VS-Radial", "VS", "for radial or one-coordinate targets, constant-depth nets deeper than 3 gain nothing over depth 3",
          "a statement about all distributions and all depths under the paper's assumptions, whose full text is not available")
cite_only("EXP-MS-ImageNet", "MS", "single-patch ImageNet classification (App. A, Fig. 4)",
          "an experiment on ImageNet, which this toolkit does not ship; the Fig. 1 parity experiment is reproduced by "
          "examples/ms_parity_experiment.py")
