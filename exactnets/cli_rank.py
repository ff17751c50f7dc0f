"""The ``exactnets rank`` and ``exactnets signrank`` commands: parse, call, print, exit code.

``register(commands)`` adds both subcommands to the argparse subparsers object that
:func:`exactnets.cli.build_parser` makes.  A matrix comes from exactly one source:

* ``--function ip|disj|rs|an --m M [--b B]``: a named function's communication matrix
  (``an``: ``a = M`` blocks of ``B`` bits per side);
* ``--matrix FILE``: an ``exactnets.matrix/1`` file;
* ``--net NET --split K``: a network's first output over ``{-1,1}^K x {-1,1}^(n-K)``, ``x`` the
  first ``K`` inputs (``rank``: the exact output values, ``--entries pre`` for the value before a
  top threshold; ``signrank``: the ±1 function the network decides);
* ``--verify CERT.json``: re-check a saved certificate (from its file alone).

Exit codes: 0 done (or certificate verified), 1 certificate rejected, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from exactnets.errors import InputError

from exactnets.cli_common import EXIT_OK, EXIT_REFUTED, EXIT_UNKNOWN


def _add_source_arguments(parser: argparse.ArgumentParser, *, entries: bool) -> None:
    source = parser.add_argument_group("the matrix (exactly one of --function, --matrix, --net, --verify)")
    source.add_argument("--function", choices=("ip", "disj", "rs", "an"),
                        help="ip (inner product mod 2), disj (disjointness), rs (Razborov-Sherstov f_m), "
                             "an (Arkadev-Nikhil OMB_a o OR_b o XOR_2)")
    source.add_argument("--m", type=int, metavar="M", help="bits per side (ip, disj), m of f_m (rs), blocks a (an)")
    source.add_argument("--b", type=int, metavar="B", help="bits per OR block (an only)")
    source.add_argument("--matrix", metavar="FILE", help="an exactnets.matrix/1 JSON file")
    source.add_argument("--net", metavar="NET.json", help="a network file; rows are its first K inputs")
    source.add_argument("--split", type=int, metavar="K", help="with --net: x = the first K inputs, y = the rest")
    if entries:
        source.add_argument("--entries", choices=("value", "pre", "sign"), default="value",
                            help="with --net: the exact output (default), the value before a top ltf/step, or its sign")
    source.add_argument("--verify", metavar="CERT.json", help="re-check a certificate file instead")


def _check_one_source(args: argparse.Namespace) -> str:
    given = [name for name in ("function", "matrix", "net", "verify") if getattr(args, name) is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --function NAME --m M, --matrix FILE, --net NET --split K or --verify CERT"
                         + (f" (got {', '.join('--' + g for g in given)})" if given else ""))
    kind = given[0]
    if kind != "function" and (args.m is not None or args.b is not None):
        raise InputError("--m and --b go with --function")
    if kind != "net" and (args.split is not None or getattr(args, "entries", "value") != "value"):
        raise InputError("--split and --entries go with --net")
    if kind == "function" and args.m is None:
        raise InputError(f"--function {args.function} needs --m M")
    if kind == "function" and args.function == "an" and args.b is None:
        raise InputError("--function an needs --b B (bits per OR block) as well as --m (blocks)")
    if kind == "net" and args.split is None:
        raise InputError("--net needs --split K (x = the first K inputs)")
    return kind


def _source(args: argparse.Namespace, entries: str):
    from exactnets.linalg.comm import MatrixSource

    if args.function is not None:
        return MatrixSource.function(args.function, args.m, args.b)
    if args.matrix is not None:
        from exactnets.io.matrix_json import read_matrix

        matrix = read_matrix(args.matrix)
        source = MatrixSource.rows(matrix)
        object.__setattr__(source, "_label", args.matrix)
        return source
    from exactnets.io import read_network

    return MatrixSource.network(read_network(args.net), args.split, entries)


def _label(source: Any) -> str:
    return source.__dict__.get("_label") or source.describe()


def _emit(args: argparse.Namespace, payload: dict[str, Any], lines: list[str]) -> None:
    if args.json:
        print(json.dumps(payload))
    else:
        print("\n".join(lines))


def _save(path: str | None, doc: dict[str, Any]) -> None:
    if path:
        from exactnets.io.matrix_json import write_json_document

        write_json_document(doc, path)


# -- rank -------------------------------------------------------------------------------------------------------

def _verify_rank(args: argparse.Namespace) -> int:
    from exactnets.io.matrix_json import read_json_document
    from exactnets.linalg.comm import MatrixSource
    from exactnets.linalg.rank import RankCertificate, verify_rank_certificate

    doc = read_json_document(args.verify)
    certificate = RankCertificate.from_json(doc, args.verify)
    if certificate.source is None:
        raise InputError(f"{args.verify}: the certificate does not say which matrix it is about (no \"matrix\" key)")
    started = time.perf_counter()
    matrix = MatrixSource.from_json(certificate.source, args.verify).build(args.verify)
    verdict = verify_rank_certificate(certificate, matrix)
    seconds = time.perf_counter() - started
    _emit(args, {"verify": args.verify, "rank": certificate.rank, "field": certificate.field, **verdict.to_json(),
                 "seconds": round(seconds, 3)},
          [f"{verdict.summary() if verdict.status != 'refuted' else 'rejected: ' + verdict.reason}  [{seconds:.2f} s]"])
    return EXIT_OK if verdict.status == "proved" else EXIT_REFUTED


def _cmd_rank(args: argparse.Namespace) -> int:
    kind = _check_one_source(args)
    if kind == "verify":
        if args.mod is not None or args.certificate:
            raise InputError("--mod and --certificate do not go with --verify")
        return _verify_rank(args)
    from exactnets.linalg.rank import rank, rank_mod, verify_rank_certificate

    source = _source(args, args.entries)
    started = time.perf_counter()
    matrix = source.build()
    built = time.perf_counter()
    if args.mod is not None:
        result = rank_mod(matrix, args.mod)
    else:
        result = rank(matrix, seed=args.seed)
    computed = time.perf_counter()
    certificate = result.certificate.with_source(source.to_json())
    checked = None
    if not args.no_check:
        checked = verify_rank_certificate(certificate, matrix)
        if checked.status != "proved":  # a bug, never the user's fault
            from exactnets.errors import InternalError

            raise InternalError(f"the rank certificate just made does not verify: {checked.reason}")
    finished = time.perf_counter()
    _save(args.certificate, certificate.to_json())
    m, n = matrix.shape
    r = result.rank
    upper = "trivial (r = min(m, n))" if certificate.factor_rows is None else f"factorisation d A = X A[rows, :] over {r} rows"
    payload = {"rank": r, "field": result.field, "shape": [m, n], "matrix": _label(source),
               "lower": {"minor": r, "prime": certificate.prime}, "upper": upper,
               "checked": None if checked is None else checked.status == "proved",
               "certificate": args.certificate,
               "seconds": {"build": round(built - started, 3), "rank": round(computed - built, 3),
                           "check": round(finished - computed, 3)}}
    if args.mod is not None:
        payload["note"] = f"rank over GF({args.mod}); the rank over Q is at least {r}"
    lines = [f"rank {r} over {result.field}   ({m} x {n}, {_label(source)})",
             f"  rank >= {r}: a {r} x {r} minor with determinant nonzero mod the prime {certificate.prime}",
             f"  rank <= {r}: {upper}"]
    if args.mod is not None:
        lines.append(f"  the rank over Q is at least {r}")
    if checked is not None:
        lines.append(f"  certificate re-checked: {checked.status}")
    if args.certificate:
        lines.append(f"  certificate saved to {args.certificate}")
    lines.append(f"  [{finished - started:.2f} s: build {built - started:.2f}, rank {computed - built:.2f}, "
                 f"check {finished - computed:.2f}]")
    _emit(args, payload, lines)
    return EXIT_OK


# -- signrank ---------------------------------------------------------------------------------------------------

def _verify_signrank(args: argparse.Namespace) -> int:
    from exactnets.io.matrix_json import read_json_document
    from exactnets.signrank import verify_signrank_certificate

    doc = read_json_document(args.verify)
    started = time.perf_counter()
    verdict = verify_signrank_certificate(doc, where=args.verify, timeout=args.timeout)
    seconds = time.perf_counter() - started
    _emit(args, {"verify": args.verify, **verdict.to_json(), "seconds": round(seconds, 3)},
          [f"{verdict.summary() if verdict.status != 'refuted' else 'rejected: ' + verdict.reason}  [{seconds:.2f} s]"])
    return {"proved": EXIT_OK, "refuted": EXIT_REFUTED}.get(verdict.status, EXIT_UNKNOWN)


def _cmd_signrank(args: argparse.Namespace) -> int:
    kind = _check_one_source(args)
    if kind == "verify":
        if args.certificate:
            raise InputError("--certificate does not go with --verify")
        return _verify_signrank(args)
    if args.timeout <= 0:
        raise InputError(f"--timeout must be a positive number of seconds (got {args.timeout})")
    from exactnets.linalg.comm import MatrixSource, add_constant, network_matrix
    from exactnets.signrank import sign_matrix, sign_rank_bounds, top_nonzero_shift

    started = time.perf_counter()
    representations = []
    if kind == "function":
        source = MatrixSource.function(args.function, args.m, args.b)
        signs = source.build()
        if args.function != "ip":
            representations.append(MatrixSource.representation(args.function, args.m, args.b))
    elif kind == "matrix":
        given = _source(args, "value")
        matrix = given.build()
        if matrix.is_sign_matrix():
            source, signs = given, matrix
        else:
            signs = sign_matrix(matrix)
            source = MatrixSource.rows(signs)
            shifted = add_constant(matrix, top_nonzero_shift(matrix))
            representations.append(MatrixSource.rows(shifted))
        object.__setattr__(source, "_label", args.matrix)
    else:
        from exactnets.io import read_network

        net = read_network(args.net)
        source = MatrixSource.network(net, args.split, "sign")
        signs = source.build()
        pre = network_matrix(net, args.split, entries="pre")
        representations.append(MatrixSource.network(net, args.split, "pre", shift=top_nonzero_shift(pre)))
        object.__setattr__(source, "_label", f"{args.net} split {args.split}")
    result = sign_rank_bounds(signs, representations=representations, source=source, forster=not args.no_forster,
                              tiny=not args.no_tiny, timeout=args.timeout, seed=args.seed)
    seconds = time.perf_counter() - started
    _save(args.certificate, result.to_json())
    m, n = result.shape
    rep = result.upper_evidence.representation
    upper_how = "rank of the matrix itself" if rep is None else f"rank of {rep.describe()}"
    lower = result.lower_evidence
    lower_how = {"trivial": "trivial", "two-by-two": "a 2 x 2 submatrix with an odd number of -1 entries",
                 "z3": "z3 (nlsat) proved the next smaller rank impossible"}.get(lower.method)
    if lower.method == "forster":
        where = "" if lower.rows is None else f" on a {len(lower.rows)} x {len(lower.cols or ())} submatrix"
        lower_how = f"Forster sqrt(mn)/||S||{where}, ||S||^2 <= {lower.spectral.T} ({lower.spectral.method})"
    payload = {"lower": result.lower, "upper": result.upper, "exact": result.exact, "shape": [m, n],
               "matrix": _label(source), "lower_method": lower.method, "upper_method": upper_how,
               "notes": list(result.notes), "certificate": args.certificate, "seconds": round(seconds, 3)}
    lines = [f"{result.lower} <= sign-rank <= {result.upper}   ({m} x {n}, {_label(source)})",
             f"  lower: {lower_how}", f"  upper: {upper_how}, certified"]
    lines += [f"  note: {note}" for note in result.notes]
    if args.certificate:
        lines.append(f"  certificate saved to {args.certificate}")
    lines.append(f"  [{seconds:.2f} s]")
    _emit(args, payload, lines)
    return EXIT_OK


def register(commands: Any) -> None:
    """Add ``rank`` and ``signrank`` to the subparsers object of :func:`exactnets.cli.build_parser`."""
    rank = commands.add_parser("rank", help="exact rank of a matrix (a named function, a file, a network) with a certificate",
                               description="Exact rank over Q (or GF(P) with --mod) with a certificate: a nonsingular "
                                           "minor mod a prime (rank >= r) and a factorisation d A = X A[rows, :] (rank <= r).")
    _add_source_arguments(rank, entries=True)
    rank.add_argument("--mod", type=int, metavar="P", help="the rank over GF(P) for a prime P (a lower bound of the rank over Q)")
    rank.add_argument("--certificate", metavar="OUT.json", help="save the certificate (it names its matrix, so it checks alone)")
    rank.add_argument("--seed", type=int, help="seed for the random prime (reproducible certificates)")
    rank.add_argument("--no-check", action="store_true", help="do not re-check the certificate before printing")
    rank.add_argument("--json", action="store_true", help='print {"rank": r, ...} as JSON')
    rank.set_defaults(run=_cmd_rank)

    signrank = commands.add_parser("signrank", help="certified lower and upper bounds on the sign-rank of a ±1 matrix",
                                   description="Sign-rank bounds: upper = exact rank of a real matrix with the same signs; "
                                               "lower = Forster's sqrt(mn)/||S|| with an exactly certified norm bound, "
                                               "or an exact z3 decision for tiny matrices.")
    _add_source_arguments(signrank, entries=False)
    signrank.add_argument("--certificate", metavar="OUT.json", help="save both certificates")
    signrank.add_argument("--no-forster", action="store_true", help="skip Forster's lower bound (it costs O(n^3))")
    signrank.add_argument("--no-tiny", action="store_true", help="skip the exact z3 decision for tiny matrices")
    signrank.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="z3 time per decision (default 10)")
    signrank.add_argument("--seed", type=int, help="seed for the random primes")
    signrank.add_argument("--json", action="store_true", help='print {"lower": L, "upper": U, ...} as JSON')
    signrank.set_defaults(run=_cmd_signrank)
