"""`exactnets prove` in its quick mode proves every registered claim; the README example runs."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from proofs import all_claims, run_claims

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("claim", [c for c in all_claims() if c.check is not None], ids=lambda c: c.id)
def test_every_claim_has_its_expected_verdict_at_quick_sizes(claim):
    verdict = claim.check(False)
    if claim.expect == "refuted":
        assert verdict.status == "refuted" and verdict.counterexample is not None, verdict.summary()
    else:
        assert verdict.status == "proved", verdict.summary()
        assert verdict.method


def test_claim_ids_are_claims_md_tags():
    ids = [c.id for c in all_claims()]
    assert len(ids) == len(set(ids))
    claims_md = ROOT.parent / "shared" / "CLAIMS.md"
    if claims_md.exists():  # beside the checkout in development and CI
        text = claims_md.read_text()
        for claim_id in ids:
            # a misprint is refuted under the id of the claim it misprints, marked "-as-printed"
            tag = claim_id.removesuffix("-as-printed")
            tag = {"ABMM-AlgC": "ABMM-Alg1D"}.get(tag, tag)  # the name for App. C's algorithm
            assert f"### {tag}" in text or f"/ {tag}" in text or f"{tag}:" in text, claim_id


def test_runner_counts():
    report = run_claims(all_claims()[:1], full=False)
    assert report["counts"] == {"proved": 1} and report["mode"] == "quick" and report["ok"]


def test_readme_example_runs(capsys):
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "(Fraction(5, 2),)"
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / "examples" / "quickstart.py").read_text().split('"""', 2)[2].strip()
    assert example in readme  # the README shows exactly the example the test runs
