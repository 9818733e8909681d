"""manage.py mcda evaluate: a valid file prints the result as JSON (exit 0); invalid JSON or an invalid problem
exits 2 with one Dutch line on stderr naming the field, and nothing on stdout."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from django.core.management import call_command

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def run(*args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        call_command("mcda", *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def problem() -> dict:
    return {
        "method": "topsis",
        "alternatives": [{"id": "A1", "name": "Stichting"}, {"id": "A2", "name": "BV"}],
        "criteria": [
            {"id": "kosten", "direction": "min", "weight": 1},
            {"id": "slagkracht", "direction": "max", "weight": 1},
        ],
        "performance": {"A1": {"kosten": 10, "slagkracht": 3}, "A2": {"kosten": 12, "slagkracht": 5}},
    }


def test_valid_file_prints_json(tmp_path):
    path = tmp_path / "probleem.json"
    path.write_text(json.dumps(problem()), encoding="utf-8")
    code, out, err = run("evaluate", str(path))
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["method"] == "topsis" and set(result["ranking"]) == {"A1", "A2"}
    assert result["conventions"]["normalisation"] == "vector"


def test_standard_input(monkeypatch):
    code, out, err = run("evaluate", "-", stdin=json.dumps(problem()), monkeypatch=monkeypatch)
    assert code == 0 and err == ""
    assert json.loads(out)["details"]["s_plus"].keys() == {"A1", "A2"}


@pytest.mark.parametrize("name", ["organisatievorm", "topsis"])
def test_documented_examples_give_the_documented_output(name):
    """docs/mcda.md shows these files and their output; the output is deterministic (seeded Monte-Carlo) up
    to the last bits of a float: numpy's summation order may follow memory alignment, so a weight can come
    out as ...864 in one run and ...853 in another."""
    code, out, err = run("evaluate", str(EXAMPLES / f"mcda-{name}.json"))
    assert code == 0 and err == ""
    assert_same(json.loads(out), json.loads((EXAMPLES / f"mcda-{name}.output.json").read_text(encoding="utf-8")))


def assert_same(found, documented, path: str = "") -> None:
    """Equal, with floats equal to 1e-9 relative; the path names where they differ."""
    if isinstance(documented, float) or isinstance(found, float):
        assert math.isclose(found, documented, rel_tol=1e-9, abs_tol=1e-12), (path, found, documented)
    elif isinstance(documented, dict):
        assert isinstance(found, dict) and found.keys() == documented.keys(), path
        for key, value in documented.items():
            assert_same(found[key], value, f"{path}.{key}")
    elif isinstance(documented, list):
        assert isinstance(found, list) and len(found) == len(documented), path
        for i, (a, b) in enumerate(zip(found, documented, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    else:
        assert found == documented, (path, found, documented)


def test_invalid_json_exits_2(tmp_path):
    path = tmp_path / "kapot.json"
    path.write_text('{"method": "topsis",\n "alternatives": [}', encoding="utf-8")
    code, out, err = run("evaluate", str(path))
    assert code == 2 and out == ""
    assert "geen geldige JSON (regel 2" in err and "Traceback" not in err
    assert err.count("\n") <= 1


def test_json_nested_too_deep_exits_2(monkeypatch):
    code, out, err = run("evaluate", "-", stdin="[" * 5000 + "]" * 5000, monkeypatch=monkeypatch)
    assert code == 2 and out == "" and "te diep genest" in err and "Traceback" not in err


def test_nan_is_not_json(monkeypatch):
    text = json.dumps(problem()).replace('"kosten": 10', '"kosten": NaN')
    code, out, err = run("evaluate", "-", stdin=text, monkeypatch=monkeypatch)
    assert code == 2 and out == "" and "NaN is geen JSON-getal" in err


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (
            {"weighting": "pairwise", "pairwise": {"criteria": [[1, 3], [0.5, 1]]}},
            "pairwise.criteria[1][0]",
            "niet reciprook",
        ),
        (
            {"weighting": "pairwise", "pairwise": {"criteria": [[1, -3], [-1 / 3, 1]]}},
            "pairwise.criteria[0][1]",
            "positief",
        ),
        ({"method": "foo"}, "method", "onbekende methode 'foo'"),
        (
            {"performance": {"A1": {"kosten": 10, "slagkracht": 3}, "A2": {"slagkracht": 5}}},
            "performance.A2.kosten",
            "ontbreekt",
        ),
    ],
)
def test_invalid_problem_exits_2_naming_the_field(tmp_path, change, field, rule):
    path = tmp_path / "probleem.json"
    path.write_text(json.dumps(problem() | change), encoding="utf-8")
    code, out, err = run("evaluate", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"mcda: {field}: ") and rule in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path):
    code, out, err = run("evaluate", str(tmp_path / "bestaat-niet.json"))
    assert code == 2 and out == "" and "bestand niet gevonden" in err
