"""Network files: the JSON format ``"exactnets.network/1"``.

A network file is one JSON object::

    {"format": "exactnets.network/1", "input_dim": 3, "name": "optional", "meta": {},
     "layers": [
       {"activation": "relu", "weights": [[1, "-1/2", 0], [0, 2, 0.75]], "bias": [0, "1/3"]},
       {"activation": "linear", "weights": [[1, -1]], "bias": ["1/2"]}]}

``format``, ``input_dim`` and ``layers`` are required; ``name`` (a string) and ``meta`` (any JSON
object, kept as it is) are optional; no other key is allowed, at the top or in a layer.  Layer
``i`` has ``weights`` of shape ``out_i x in_i`` (a list of rows) and ``out_i`` biases, with
``in_0 = input_dim`` and ``in_(i+1) = out_i``; activations are those of
:data:`exactnets.network.ACTIVATIONS`.

A number is a JSON integer, a JSON decimal read exactly as it is written (``0.1`` is one tenth,
never the binary float nearest to it; ``1e-3`` is one thousandth), or a string holding a
fraction ``"p/q"`` or a decimal.  ``NaN`` and ``Infinity`` are refused.  Decimals inside ``meta``
become :class:`decimal.Decimal` values, so nothing there is rounded either.

Writing puts integers as JSON integers and every other rational as a ``"p/q"`` string, one weight
row per line, so reading a written file gives back an equal :class:`~exactnets.network.Network`.

Every problem with a file (unreadable, not JSON, wrong keys, types, shapes, numbers) raises
:class:`~exactnets.errors.FileFormatError` whose message names the file and the place in it,
e.g. ``net.json: layers[1].weights[0][2]: cannot read 'abc' as a number; ...``.
"""

from __future__ import annotations

import decimal
import json
import math
import os
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from exactnets.errors import FileFormatError, InputError
from exactnets.network import ACTIVATIONS, Layer, Network
from exactnets.rational import as_rational, format_rational

__all__ = [
    "NETWORK_FORMAT",
    "read_network",
    "write_network",
    "loads_network",
    "dumps_network",
    "network_to_json",
    "network_from_json",
]

#: The value of the ``"format"`` key this module reads and writes.
NETWORK_FORMAT = "exactnets.network/1"

_REQUIRED = ("format", "input_dim", "layers")
_OPTIONAL = ("name", "meta")
_LAYER_KEYS = ("activation", "weights", "bias")
_NUMBER_HINT = 'an integer, a decimal such as 0.75, or a string such as "-1/2"'


# -- reading JSON text ---------------------------------------------------------------------------

class _Literal:
    """A JSON number literal kept as its text (decimals, oversized integers, NaN/Infinity)."""

    __slots__ = ("text", "kind")

    def __init__(self, text: str, kind: str):
        self.text = text
        self.kind = kind  # "decimal", "integer" or "constant"

    def __repr__(self) -> str:
        return self.text


class _Object(dict):
    """A JSON object that remembers keys it saw more than once (json keeps only the last)."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicates = tuple(dict.fromkeys(key for key, _ in pairs if key in seen or seen.add(key)))
    return obj


def _parse_int(text: str) -> int | _Literal:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts by default
        return _Literal(text, "integer")


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=lambda t: _Literal(t, "decimal"),
            parse_int=_parse_int,
            parse_constant=lambda t: _Literal(t, "constant"),
            object_pairs_hook=_object_pairs,
        )
    except json.JSONDecodeError as error:
        if not text.strip():
            raise FileFormatError(f"the file is empty; expected a JSON object with \"format\": \"{NETWORK_FORMAT}\"",
                                  path=source) from None
        raise FileFormatError(f"invalid JSON: {error.msg}", path=source,
                              place=f"line {error.lineno}, column {error.colno}") from None
    except RecursionError:
        raise FileFormatError("the JSON is nested too deeply to read", path=source) from None


def _read_text(path: str | os.PathLike[str]) -> str:
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8-sig") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise FileFormatError(f"not UTF-8 text (byte {error.start}: {error.reason})", path=source) from None
    except OSError as error:
        raise FileFormatError(f"cannot read the file: {error.strerror or error}", path=source) from None


# -- from JSON values to a Network ---------------------------------------------------------------

def _describe(value: Any) -> str:
    """How a JSON value reads in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, _Literal):
        shown = value.text if len(value.text) <= 40 else value.text[:37] + "..."
        return f"the number {shown}"
    if isinstance(value, int):
        return f"the integer {value}" if value.bit_length() < 128 else "a very long integer"
    if isinstance(value, float):
        return f"the float {value!r}"
    return f"{type(value).__name__} {value!r}"


class _Reader:
    """Turns a parsed JSON document into a Network, naming the file and place of every problem."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, place: str, message: str) -> FileFormatError:
        return FileFormatError(message, path=self.source, place=place or None)

    def check_keys(self, obj: Mapping[str, Any], place: str, allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> None:
        duplicates = getattr(obj, "duplicates", ())
        if duplicates:
            raise self.fail(place, f"key {duplicates[0]!r} appears more than once; each key may appear only once")
        unknown = [key for key in obj if key not in allowed]
        if unknown:
            listed = ", ".join(repr(str(key)) for key in sorted(unknown, key=str))
            raise self.fail(place, f"unknown key{'s' if len(unknown) > 1 else ''} {listed}; {what}")
        missing = [key for key in required if key not in obj]
        if missing:
            listed = ", ".join(repr(key) for key in missing)
            raise self.fail(place, f"missing key{'s' if len(missing) > 1 else ''} {listed}; {what}")

    def list_of(self, value: Any, place: str, expected: str) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise self.fail(place, f"expected {expected}, got {_describe(value)}")
        return list(value)

    def number(self, value: Any, place: str) -> Fraction:
        if value is None or isinstance(value, (Mapping, list, tuple)):
            raise self.fail(place, f"expected a number ({_NUMBER_HINT}), got {_describe(value)}")
        if isinstance(value, _Literal):
            if value.kind == "constant":
                raise self.fail(place, f"{value.text} is not a finite number; exactnets reads exact rationals only")
            value = value.text
        try:
            return as_rational(value)
        except InputError as error:
            raise self.fail(place, str(error)) from error
        except (ValueError, ArithmeticError) as error:  # e.g. Python's limit on integer digits
            raise self.fail(place, f"cannot read {_describe(value)} as a number ({error})") from error

    def plain(self, value: Any, place: str) -> Any:
        """``meta`` content as plain Python values: dicts, lists, str, int, Decimal, bool, None."""
        if isinstance(value, Mapping):
            duplicates = getattr(value, "duplicates", ())
            if duplicates:
                raise self.fail(place, f"key {duplicates[0]!r} appears more than once; each key may appear only once")
            return {key: self.plain(item, f"{place}[{key!r}]") for key, item in value.items()}
        if isinstance(value, list):
            return [self.plain(item, f"{place}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, _Literal):
            if value.kind == "constant":
                raise self.fail(place, f"{value.text} is not a finite number; JSON files hold finite numbers only")
            if value.kind == "integer":
                raise self.fail(place, f"an integer with {len(value.text)} characters is too long to keep")
            try:
                return decimal.Decimal(value.text)
            except (decimal.InvalidOperation, ValueError):
                raise self.fail(place, f"cannot keep the number {value.text[:40]} exactly (its exponent is too large)") from None
        return value

    def network(self, doc: Any) -> Network:
        if not isinstance(doc, Mapping):
            raise self.fail("", f"expected a JSON object {{\"format\": \"{NETWORK_FORMAT}\", ...}} at the top level, "
                                f"got {_describe(doc)}")
        if "format" not in doc:
            raise self.fail("", f"missing key 'format'; a network file starts with \"format\": \"{NETWORK_FORMAT}\"")
        if doc["format"] != NETWORK_FORMAT or not isinstance(doc["format"], str):
            raise self.fail("format", f"expected \"{NETWORK_FORMAT}\", got {_describe(doc['format'])}; "
                                      f"this version of exactnets reads {NETWORK_FORMAT} files only")
        self.check_keys(doc, "", (*_REQUIRED, *_OPTIONAL), _REQUIRED,
                        "a network file has 'format', 'input_dim', 'layers' and optionally 'name', 'meta'")
        input_dim = doc["input_dim"]
        if isinstance(input_dim, bool) or not isinstance(input_dim, int) or input_dim < 0:
            raise self.fail("input_dim", f"expected a non-negative integer, got {_describe(input_dim)}")
        name = doc.get("name", "")
        if not isinstance(name, str):
            raise self.fail("name", f"expected a string, got {_describe(name)}")
        meta = doc.get("meta", {})
        if not isinstance(meta, Mapping):
            raise self.fail("meta", f"expected an object, got {_describe(meta)}")
        meta = self.plain(meta, "meta")
        entries = self.list_of(doc["layers"], "layers", "a list of layers")
        if not entries:
            raise self.fail("layers", "the list is empty; a network needs at least one layer (the output layer)")
        layers: list[Layer] = []
        in_dim = input_dim
        for index, entry in enumerate(entries):
            layer = self.layer(entry, f"layers[{index}]", in_dim, "input_dim" if index == 0 else f"layers[{index - 1}]")
            layers.append(layer)
            in_dim = layer.out_dim
        try:
            return Network(input_dim, layers, name=name, meta=meta)
        except InputError as error:  # a safety net: the checks above should have caught it
            raise self.fail("", str(error)) from error

    def layer(self, entry: Any, place: str, in_dim: int, in_source: str) -> Layer:
        if not isinstance(entry, Mapping):
            raise self.fail(place, f"expected a layer object {{\"activation\": ..., \"weights\": ..., \"bias\": ...}}, "
                                   f"got {_describe(entry)}")
        self.check_keys(entry, place, _LAYER_KEYS, _LAYER_KEYS, "a layer has 'activation', 'weights' and 'bias'")
        activation = entry["activation"]
        if not isinstance(activation, str):
            raise self.fail(f"{place}.activation", f"expected an activation name (one of {', '.join(ACTIVATIONS)}), "
                                                   f"got {_describe(activation)}")
        if activation not in ACTIVATIONS:
            raise self.fail(f"{place}.activation", f"unknown activation {activation!r}; "
                                                   f"expected one of {', '.join(ACTIVATIONS)}")
        rows = self.list_of(entry["weights"], f"{place}.weights", "a list of rows (a list of lists of numbers)")
        if not rows:
            raise self.fail(f"{place}.weights", "the list of rows is empty; a layer needs at least one unit")
        weights = []
        for i, row in enumerate(rows):
            row = self.list_of(row, f"{place}.weights[{i}]", f"a row: a list of {in_dim} numbers")
            if len(row) != in_dim:
                source = f"input_dim is {in_dim}" if in_source == "input_dim" else f"{in_source} has {in_dim} outputs"
                raise self.fail(f"{place}.weights[{i}]", f"has {len(row)} entries but {source}; "
                                                         f"expected {in_dim} entries per row")
            weights.append([self.number(v, f"{place}.weights[{i}][{j}]") for j, v in enumerate(row)])
        bias = self.list_of(entry["bias"], f"{place}.bias", f"a list of {len(weights)} numbers")
        if len(bias) != len(weights):
            raise self.fail(f"{place}.bias", f"has {len(bias)} entries but weights has {len(weights)} rows; "
                                             f"expected {len(weights)} biases")
        values = [self.number(v, f"{place}.bias[{i}]") for i, v in enumerate(bias)]
        try:
            return Layer(activation, weights, values, where=place)
        except InputError as error:  # a safety net, as above
            raise self.fail("", str(error)) from error


def network_from_json(obj: Any, source: str = "<memory>") -> Network:
    """Build a :class:`~exactnets.network.Network` from a parsed ``exactnets.network/1`` document.

    Parameters
    ----------
    obj
        The document as Python values (dicts, lists, strings, integers; exact numbers such as
        ``Fraction`` are accepted too, binary floats are refused).
    source
        What error messages call the document (a file name).

    Returns
    -------
    Network

    Raises
    ------
    FileFormatError
        If the document does not follow the format; the message names ``source`` and the place.

    Examples
    --------
    >>> doc = {"format": "exactnets.network/1", "input_dim": 1,
    ...        "layers": [{"activation": "relu", "weights": [["1/2"]], "bias": [0]}]}
    >>> network_from_json(doc).layers[0].weights
    ((Fraction(1, 2),),)
    >>> network_from_json({**doc, "input_dim": 2}, source="net.json")
    Traceback (most recent call last):
    ...
    exactnets.errors.FileFormatError: net.json: layers[0].weights[0]: has 1 entries but input_dim is 2; expected 2 entries per row
    """
    return _Reader(source).network(obj)


def loads_network(text: str, source: str = "<memory>") -> Network:
    """Read a network from ``exactnets.network/1`` JSON text.

    Decimals are read exactly as written (``0.1`` is one tenth); ``NaN``/``Infinity`` are refused.

    Parameters
    ----------
    text
        The JSON text.
    source
        What error messages call the text (a file name).

    Returns
    -------
    Network

    Examples
    --------
    >>> net = loads_network('{"format": "exactnets.network/1", "input_dim": 1, '
    ...                     '"layers": [{"activation": "linear", "weights": [[0.1]], "bias": [1e-3]}]}')
    >>> net.layers[0].weights, net.layers[0].bias
    (((Fraction(1, 10),),), (Fraction(1, 1000),))
    >>> loads_network('{"format": "exactnets.network/1",', source="net.json")
    Traceback (most recent call last):
    ...
    exactnets.errors.FileFormatError: net.json: line 1, column 34: invalid JSON: Expecting property name enclosed in double quotes
    """
    if not isinstance(text, str):
        raise InputError(f"loads_network expects the JSON text as a str (got {type(text).__name__})")
    return _Reader(source).network(_parse_json(text, source))


def read_network(path: str | os.PathLike[str]) -> Network:
    """Read an ``exactnets.network/1`` JSON file.

    Parameters
    ----------
    path
        The file (``str`` or :class:`pathlib.Path`), UTF-8 text.

    Returns
    -------
    Network

    Raises
    ------
    FileFormatError
        If the file cannot be read or does not follow the format; the message names the file
        and the place (``net.json: layers[1].weights[0][2]: ...``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> _ = path.write_text('{"format": "exactnets.network/1", "input_dim": 2, "layers": '
    ...                     '[{"activation": "ltf", "weights": [[1, "-1/2"]], "bias": [0.25]}]}')
    >>> read_network(path)
    Network(2 -> 1, activations=['ltf'])
    """
    source = os.fspath(path)
    return loads_network(_read_text(source), source=source)


# -- from a Network to JSON ----------------------------------------------------------------------

def _number_json(value: Fraction) -> int | str:
    return value.numerator if value.denominator == 1 else format_rational(value)


def _copy_meta(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy_meta(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_meta(item) for item in value]
    return value


def network_to_json(net: Network) -> dict[str, Any]:
    """The ``exactnets.network/1`` document of ``net`` as Python values.

    Integers stay integers; every other rational becomes a ``"p/q"`` string.  ``name`` and
    ``meta`` appear only when set; ``meta`` is copied as it is (decimals read from a file are
    :class:`decimal.Decimal`, which :func:`dumps_network` writes exactly).

    Examples
    --------
    >>> from exactnets.network import Layer, Network
    >>> network_to_json(Network(1, [Layer("relu", [["3/4"]], [2])]))
    {'format': 'exactnets.network/1', 'input_dim': 1, 'layers': [{'activation': 'relu', 'weights': [['3/4']], 'bias': [2]}]}
    """
    if not isinstance(net, Network):
        raise InputError(f"expected a Network (got {type(net).__name__})")
    doc: dict[str, Any] = {"format": NETWORK_FORMAT, "input_dim": net.input_dim}
    if net.name:
        doc["name"] = net.name
    if net.meta:
        doc["meta"] = _copy_meta(net.meta)
    try:
        doc["layers"] = [
            {
                "activation": layer.activation,
                "weights": [[_number_json(v) for v in row] for row in layer.weights],
                "bias": [_number_json(v) for v in layer.bias],
            }
            for layer in net.layers
        ]
    except ValueError as error:  # Python's limit on the digits of an integer turned into text
        raise InputError(f"cannot write the network: {error}") from None
    return doc


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    try:
        encoded.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them as \u escapes
        encoded = json.dumps(text)
    return encoded


def _json_value(value: Any, place: str) -> str:
    """One JSON value on one line; exact for Decimal, Fraction ("p/q") and int."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError as error:
            raise InputError(f"{place}: cannot write this integer ({error})") from None
    if isinstance(value, Fraction):
        return _json_string(format_rational(value)) if value.denominator != 1 else _json_value(value.numerator, place)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise InputError(f"{place}: {value} is not a finite number; JSON files hold finite numbers only")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{place}: {value!r} is not a finite number; JSON files hold finite numbers only")
        return repr(value)
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{place}: the key {key!r} is not a string; JSON object keys are strings")
            items.append(f"{_json_string(key)}: {_json_value(item, f'{place}[{key!r}]')}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_json_value(item, f"{place}[{i}]") for i, item in enumerate(value)) + "]"
    raise InputError(f"{place}: cannot write {type(value).__name__} {value!r} to JSON; "
                     f"meta holds strings, numbers, true/false, null, lists and objects")


def dumps_network(net: Network) -> str:
    """``net`` as ``exactnets.network/1`` JSON text, one weight row per line.

    Examples
    --------
    >>> from exactnets.network import Layer, Network
    >>> net = Network(2, [Layer("relu", [[1, "-1/2"], [0, 2]], [0, "1/3"]),
    ...                   Layer("linear", [[1, -1]], ["1/2"])], name="tiny")
    >>> print(dumps_network(net))
    {
      "format": "exactnets.network/1",
      "input_dim": 2,
      "name": "tiny",
      "layers": [
        {
          "activation": "relu",
          "weights": [
            [1, "-1/2"],
            [0, 2]
          ],
          "bias": [0, "1/3"]
        },
        {
          "activation": "linear",
          "weights": [
            [1, -1]
          ],
          "bias": ["1/2"]
        }
      ]
    }
    >>> loads_network(dumps_network(net)) == net
    True
    """
    doc = network_to_json(net)
    lines = ["{", f'  "format": {_json_string(doc["format"])},', f'  "input_dim": {doc["input_dim"]},']
    if "name" in doc:
        lines.append(f'  "name": {_json_string(doc["name"])},')
    if "meta" in doc:
        lines.append(f'  "meta": {_json_value(doc["meta"], "meta")},')
    lines.append('  "layers": [')
    for index, layer in enumerate(doc["layers"]):
        place = f"layers[{index}]"
        lines.append("    {")
        lines.append(f'      "activation": {_json_string(layer["activation"])},')
        lines.append('      "weights": [')
        rows = layer["weights"]
        for i, row in enumerate(rows):
            comma = "," if i + 1 < len(rows) else ""
            lines.append(f"        {_json_value(row, f'{place}.weights[{i}]')}{comma}")
        lines.append("      ],")
        lines.append(f'      "bias": {_json_value(layer["bias"], f"{place}.bias")}')
        lines.append("    }" + ("," if index + 1 < len(doc["layers"]) else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines)


def write_network(net: Network, path: str | os.PathLike[str]) -> None:
    """Write ``net`` to ``path`` as an ``exactnets.network/1`` JSON file (UTF-8).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from exactnets.network import Layer, Network
    >>> net = Network(1, [Layer("step", [["-7/3"]], [1])])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> write_network(net, path)
    >>> read_network(path) == net
    True
    """
    text = dumps_network(net) + "\n"
    target = os.fspath(path)
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise InputError(f"{target}: cannot write the file: {error.strerror or error}") from None
