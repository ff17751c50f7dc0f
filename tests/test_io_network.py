"""Network JSON files: exact reading, exact round trips, and a precise error for every bad file."""

from __future__ import annotations

import copy
import decimal
import json
import pathlib
import tempfile
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactnets.errors import FileFormatError, InputError
from exactnets.io import (
    NETWORK_FORMAT,
    dumps_network,
    loads_network,
    network_from_json,
    network_to_json,
    read_network,
    write_network,
)
from exactnets.network import Layer, Network
from tests.strategies import networks, wide_rationals

EXAMPLE = """{"format": "exactnets.network/1", "input_dim": 3, "name": "optional", "meta": {},
 "layers": [
   {"activation": "relu", "weights": [[1, "-1/2", 0], [0, 2, 0.75]], "bias": [0, "1/3"]},
   {"activation": "linear", "weights": [[1, -1]], "bias": ["1/2"]}]}"""


def example_doc() -> dict:
    return json.loads(EXAMPLE, parse_float=str)  # decimals as strings, so the doc is float-free


def fails(doc_or_text, *fragments: str, source: str = "net.json") -> FileFormatError:
    """Reading must raise FileFormatError whose message starts with the source and holds each fragment."""
    with pytest.raises(FileFormatError) as info:
        if isinstance(doc_or_text, str):
            loads_network(doc_or_text, source=source)
        else:
            network_from_json(doc_or_text, source=source)
    message = str(info.value)
    assert message.startswith(f"{source}: "), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return info.value


# -- reading ---------------------------------------------------------------------------------------

def test_reads_the_documented_example_exactly():
    net = loads_network(EXAMPLE)
    expected = Network(3, [Layer("relu", [[1, Fraction(-1, 2), 0], [0, 2, Fraction(3, 4)]], [0, Fraction(1, 3)]),
                           Layer("linear", [[1, -1]], [Fraction(1, 2)])], name="optional")
    assert net == expected
    assert dict(net.meta) == {}


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("0.1", Fraction(1, 10)),
        ("1e-3", Fraction(1, 1000)),
        ("1E+2", Fraction(100)),
        ("-0.0", Fraction(0)),
        ("2.50", Fraction(5, 2)),
        ("0.1000000000000000055511151231257827", Fraction(1000000000000000055511151231257827, 10**34)),
        ("123456789012345678901234567890", Fraction(123456789012345678901234567890)),
        ('"-7/3"', Fraction(-7, 3)),
        ('"0.3"', Fraction(3, 10)),
        ('" 4/-6 "', Fraction(-2, 3)),
    ],
)
def test_numbers_are_read_exactly_as_written(literal, value):
    text = ('{"format": "exactnets.network/1", "input_dim": 1, '
            f'"layers": [{{"activation": "linear", "weights": [[{literal}]], "bias": [{literal}]}}]}}')
    net = loads_network(text)
    assert net.layers[0].weights == ((value,),)
    assert net.layers[0].bias == (value,)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_place(constant):
    text = EXAMPLE.replace('"1/3"', constant)
    fails(text, "layers[0].bias[1]", constant, "not a finite number")


def test_nan_inside_meta_is_refused():
    fails(EXAMPLE.replace('"meta": {}', '"meta": {"score": NaN}'), "meta['score']", "not a finite number")


def test_str_and_path_are_both_accepted(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(EXAMPLE, encoding="utf-8")
    assert read_network(path) == read_network(str(path)) == loads_network(EXAMPLE)


def test_a_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.encode("utf-8"))
    assert read_network(path) == loads_network(EXAMPLE)


def test_meta_is_kept_as_is_with_exact_decimals():
    doc = example_doc()
    doc["meta"] = {"source": "paper", "accuracy": "x", "nested": {"list": [1, None, True, "a"]}}
    text = json.dumps(doc).replace('"accuracy": "x"', '"accuracy": 0.1')
    net = loads_network(text)
    assert net.meta["accuracy"] == decimal.Decimal("0.1")
    assert net.meta["nested"] == {"list": [1, None, True, "a"]}
    again = loads_network(dumps_network(net))
    assert dict(again.meta) == dict(net.meta)


# -- errors ----------------------------------------------------------------------------------------

def mutate(path, action):
    """A copy of the example document changed at ``path`` (a tuple of keys/indices)."""
    doc = example_doc()
    *parents, last = path
    target = doc
    for key in parents:
        target = target[key]
    if action == "delete":
        del target[last]
    else:
        target[last] = action
    return doc


@pytest.mark.parametrize(
    ("path", "action", "fragments"),
    [
        (("format",), "delete", ["missing key 'format'", NETWORK_FORMAT]),
        (("format",), "exactnets.network/2", ["format: expected", "exactnets.network/2"]),
        (("format",), 1, ["format: expected", "the integer 1"]),
        (("input_dim",), "delete", ["missing key 'input_dim'"]),
        (("input_dim",), -1, ["input_dim: expected a non-negative integer", "the integer -1"]),
        (("input_dim",), "3", ["input_dim: expected a non-negative integer", "the string '3'"]),
        (("input_dim",), True, ["input_dim: expected a non-negative integer", "true"]),
        (("input_dim",), 2, ["layers[0].weights[0]: has 3 entries but input_dim is 2"]),
        (("layers",), "delete", ["missing key 'layers'"]),
        (("layers",), [], ["layers: the list is empty"]),
        (("layers",), {"a": 1}, ["layers: expected a list of layers, got an object"]),
        (("layers", 1), "relu", ["layers[1]: expected a layer object", "the string 'relu'"]),
        (("layers", 1, "activation"), "sigmoid", ["layers[1].activation: unknown activation", "'sigmoid'", "relu"]),
        (("layers", 1, "activation"), None, ["layers[1].activation: expected an activation name (one of relu", "got null"]),
        (("layers", 1, "bias"), "delete", ["layers[1]: missing key 'bias'"]),
        (("layers", 1, "bias"), ["1/2", 0], ["layers[1].bias: has 2 entries but weights has 1 rows"]),
        (("layers", 1, "bias"), "1/2", ["layers[1].bias: expected a list of 1 numbers"]),
        (("layers", 1, "weights"), [1, -1], ["layers[1].weights[0]: expected a row", "the integer 1"]),
        (("layers", 1, "weights"), [], ["layers[1].weights: the list of rows is empty"]),
        (("layers", 1, "weights"), [[1, -1, 0]], ["layers[1].weights[0]: has 3 entries but layers[0] has 2 outputs"]),
        (("layers", 1, "weights"), [[1, "abc"]], ["layers[1].weights[0][1]: cannot read 'abc' as a number", "3/4"]),
        (("layers", 1, "weights"), [[1, "1/0"]], ["layers[1].weights[0][1]", "zero denominator"]),
        (("layers", 1, "weights"), [[1, None]], ["layers[1].weights[0][1]: expected a number", "null"]),
        (("layers", 1, "weights"), [[1, [2]]], ["layers[1].weights[0][1]: expected a number", "a list"]),
        (("layers", 1, "weights"), [[1, False]], ["layers[1].weights[0][1]", "boolean"]),
        (("layers", 1, "weights"), [[1, "1e99999"]], ["layers[1].weights[0][1]", "exponent"]),
        (("layers", 1, "extra"), 1, ["layers[1]: unknown key 'extra'", "'activation', 'weights' and 'bias'"]),
        (("extra",), 1, ["unknown key 'extra'", "'format', 'input_dim', 'layers'"]),
        (("name",), 7, ["name: expected a string, got the integer 7"]),
        (("meta",), [1], ["meta: expected an object, got a list"]),
    ],
)
def test_every_malformed_document_names_its_place(path, action, fragments):
    doc = mutate(path, action)
    fails(doc, *fragments)
    fails(json.dumps(doc), *fragments)  # the same through the text reader


def test_the_documented_message_shape():
    doc = mutate(("layers", 1, "weights"), [[1, "abc"]])
    doc["layers"][1]["weights"] = [[1, -1]]
    doc["layers"][0]["weights"][0][2] = "abc"
    error = fails(doc)
    assert str(error).startswith("net.json: layers[0].weights[0][2]: cannot read 'abc' as a number")
    assert error.path == "net.json" and error.place == "layers[0].weights[0][2]"


def test_a_python_float_is_refused_with_advice():
    fails(mutate(("layers", 1, "bias"), [0.5]), "layers[1].bias[0]", "float", "'0.5'")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('{"format": "exactnets.network/1",\n  "input_dim": 3,\n  "layers": [}', ["line 3, column 14", "invalid JSON", "Expecting value"]),
        ('{"format": "exactnets.network/1"} trailing', ["line 1, column 35", "Extra data"]),
        ("", ["the file is empty"]),
        ("  \n", ["the file is empty"]),
        ("[1, 2]", ["expected a JSON object", "got a list"]),
        ('"exactnets.network/1"', ["expected a JSON object", "got the string"]),
        ("[" * 100_000 + "]" * 100_000, ["nested too deeply"]),
    ],
)
def test_text_that_is_not_a_network_object(text, fragments):
    fails(text, *fragments)


def test_duplicate_keys_are_refused():
    text = EXAMPLE.replace('"input_dim": 3,', '"input_dim": 3, "input_dim": 3,')
    fails(text, "key 'input_dim' appears more than once")
    text = EXAMPLE.replace('"bias": ["1/2"]', '"bias": ["1/2"], "bias": [0]')
    fails(text, "layers[1]: key 'bias' appears more than once")


def test_very_long_integers_are_a_file_error_never_a_value_error():
    fails(EXAMPLE.replace('"1/3"', "7" * 10_001), "layers[0].bias[1]", "exceeds the limit")
    big = "7" * 5000  # within exactnets' digit limit, beyond Python's default int/str conversion limit
    try:
        net = loads_network(EXAMPLE.replace('"1/3"', big))
    except FileFormatError as error:
        assert str(error).startswith("<memory>: layers[0].bias[1]: ")
    else:
        assert net.layers[0].bias[1] == int(big)
    fails(EXAMPLE.replace('"input_dim": 3', f'"input_dim": {big}'), "input_dim: expected a non-negative integer")
    fails(EXAMPLE.replace('"meta": {}', f'"meta": {{"n": {big}}}'), "meta['n']", "too long")
    fails(EXAMPLE.replace('"meta": {}', '"meta": {"n": 1e99999999999999999999}'), "meta['n']", "exponent")


def test_file_problems_name_the_file(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(FileFormatError, match=r"missing\.json: cannot read the file"):
        read_network(missing)
    with pytest.raises(FileFormatError, match="cannot read the file"):
        read_network(tmp_path)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"format": "\xff"}')
    with pytest.raises(FileFormatError, match=r"binary\.json: not UTF-8"):
        read_network(binary)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "exactnets.network/1",\n "input_dim": 3 "layers": []}', encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"broken\.json: line 2, column 17: invalid JSON: Expecting .,. delimiter"):
        read_network(broken)


def test_loads_network_wants_text():
    with pytest.raises(InputError):
        loads_network(EXAMPLE.encode())


# -- mutation fuzzing: only InputError may come out -----------------------------------------------

JUNK = st.deferred(lambda: _JUNK_VALUES).map(copy.deepcopy)  # copies: drawn lists and dicts get mutated
_JUNK_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "abc", "1/0", "relu", "nan", "1/2", "1e5"]),
    st.sampled_from([float("nan"), float("inf"), 0.5]), st.just([]), st.just({}), st.just([[1]]),
    st.just({"format": NETWORK_FORMAT}), st.just([{"activation": "relu"}]),
)


def _places(node, path=()):
    """Every (path, container) in a JSON tree, the root included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


@st.composite
def mutated_documents(draw):
    net = draw(networks(input_dim=st.integers(0, 3), depth=st.integers(1, 3), width=st.integers(1, 3)))
    doc = network_to_json(net.with_name("n", {"k": [1, "v"]}))
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(doc))
        path, node = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["delete", "replace", "insert"]))
        if not path:  # the root: replace it or add junk keys
            if action == "replace":
                doc = draw(JUNK)
                continue
            node = doc
            action = "insert"
        if action in ("delete", "replace"):
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            if action == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(JUNK)
        elif isinstance(node, dict):
            node[draw(st.sampled_from(["extra", "format", "layers", "bias", "weights"]))] = draw(JUNK)
        elif isinstance(node, list):
            node.insert(draw(st.integers(0, len(node))), draw(JUNK))
        if not isinstance(doc, (dict, list)):
            break
    return doc


@settings(max_examples=300, deadline=None)
@given(mutated_documents())
def test_mutated_documents_raise_only_input_errors(doc):
    for reader, argument in ((network_from_json, copy.deepcopy(doc)), (loads_network, json.dumps(doc))):
        try:
            net = reader(argument, source="fuzz.json")
        except InputError as error:
            assert str(error).startswith("fuzz.json: "), str(error)
        else:
            assert isinstance(net, Network)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_text_raises_only_input_errors(data):
    text = dumps_network(data.draw(networks(depth=st.integers(1, 2))))
    start = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(start, min(len(text), start + 5)))
    junk = data.draw(st.sampled_from(["", "{", "]", '"', ",", "NaN", "0.5", "\\", "\x00", "é", "-", "1e999999"]))
    damaged = text[:start] + junk + text[stop:]
    try:
        loads_network(damaged, source="fuzz.json")
    except InputError as error:
        assert str(error).startswith("fuzz.json: "), str(error)


# -- writing and round trips -----------------------------------------------------------------------

def test_written_text_has_exact_numbers_and_one_row_per_line():
    net = loads_network(EXAMPLE)
    text = dumps_network(net)
    plain = json.loads(text)  # valid JSON for any reader
    assert plain["layers"][0]["weights"] == [[1, "-1/2", 0], [0, 2, "3/4"]]
    assert plain["layers"][0]["bias"] == [0, "1/3"]
    assert plain["name"] == "optional"
    assert '        [1, "-1/2", 0],\n        [0, 2, "3/4"]\n' in text
    assert "." not in text.replace(NETWORK_FORMAT, "")  # no decimals: integers and p/q only


def test_network_to_json_is_plain_json_values():
    net = loads_network(EXAMPLE)
    doc = network_to_json(net)
    assert json.loads(json.dumps(doc)) == doc
    assert network_from_json(doc) == net
    assert "meta" not in doc  # empty meta is left out


def test_write_then_read_a_file(tmp_path):
    net = loads_network(EXAMPLE)
    path = tmp_path / "out.json"
    write_network(net, path)
    assert path.read_text(encoding="utf-8").endswith("}\n")
    again = read_network(path)
    assert again == net and again.name == net.name


def test_writing_refuses_meta_that_json_cannot_hold():
    net = loads_network(EXAMPLE).with_name("x", {"bad": {1, 2}})
    with pytest.raises(InputError, match=r"meta\['bad'\]: cannot write set"):
        dumps_network(net)
    net = loads_network(EXAMPLE).with_name("x", {"bad": float("inf")})
    with pytest.raises(InputError, match="not a finite number"):
        dumps_network(net)


def test_writing_keeps_non_ascii_names_and_exact_meta():
    net = loads_network(EXAMPLE).with_name("réseau ☃", {"w": Fraction(1, 3), "d": decimal.Decimal("1E+5"), "t": (1, 2)})
    again = loads_network(dumps_network(net))
    assert again.name == "réseau ☃"
    assert dict(again.meta) == {"w": "1/3", "d": decimal.Decimal("1E+5"), "t": [1, 2]}


names = st.text(st.characters(codec="utf-8"), max_size=8)
metas = st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.text(max_size=4), st.none(), st.booleans(),
                                                       st.lists(st.integers(), max_size=3)), max_size=3)


@settings(max_examples=100, deadline=None)
@given(networks(input_dim=st.integers(0, 4)), names, metas)
def test_round_trip_small_rationals(net, name, meta):
    net = net.with_name(name, meta)
    again = loads_network(dumps_network(net))
    assert again == net
    assert again.name == net.name and dict(again.meta) == dict(net.meta)
    assert network_from_json(json.loads(json.dumps(network_to_json(net)))) == net


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(values=wide_rationals()))
def test_round_trip_wide_rationals_through_a_file(net):
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "wide.json"
        write_network(net, path)
        assert read_network(path) == net
        assert read_network(str(path)) == net
