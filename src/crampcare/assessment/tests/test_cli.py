from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from crampcare.assessment import services
from crampcare.assessment.tests.builders import typical_payload
from crampcare.assessment.tests.docs import blocks, json_blocks, section
from crampcare.testing.cli import run_cli


def _assess(path: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("assess", "--json", path, stdout=out)
    return json.loads(out.getvalue())


def _run(
    tmp_path: Path, *args: str, stdin: str = "", columns: int = 100
) -> subprocess.CompletedProcess[str]:
    # argparse wraps --help to the terminal width; fix it so the output is comparable.
    return run_cli(tmp_path, "assess", *args, stdin=stdin, COLUMNS=str(columns))


def test_it_prints_the_result_of_a_file(tmp_path: Path) -> None:
    payload = typical_payload(symptoms={"leg_cold_pale_numb": True})
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(payload), encoding="utf-8")
    assert _assess(str(source)) == services.evaluate(payload)


def test_it_reads_standard_input_and_prints_only_json(tmp_path: Path) -> None:
    result = _run(tmp_path, "--json", "-", stdin=json.dumps(typical_payload()))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["triage"] == "self_care"
    assert result.stderr == ""


def test_it_exits_2_with_one_line_per_invalid_field(tmp_path: Path) -> None:
    payload = {"age": 12, "sex": "robot", "pets": 2, "symptoms": {"sore_toe": True}}
    result = _run(tmp_path, "--json", "-", stdin=json.dumps(payload))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "age: must be between 18 and 120",
        "sex: must be 'female', 'male' or 'other'",
        "symptoms.sore_toe: is not a red-flag question we know (the ids are listed in "
        "docs/assessment.md)",
        "pets: is not a field we know",
    ]


def test_it_exits_2_on_malformed_json(tmp_path: Path) -> None:
    result = _run(tmp_path, "--json", "-", stdin='{"age": 70,')
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("body: is not valid JSON")


def test_it_exits_2_when_the_file_is_missing(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("assess", "--json", str(tmp_path / "nope.json"), stdout=out, stderr=err)
    assert caught.value.code == 2
    assert "nope.json: No such file or directory" in err.getvalue()
    assert out.getvalue() == ""


def test_it_rejects_a_json_value_that_is_not_an_object(tmp_path: Path) -> None:
    source = tmp_path / "list.json"
    source.write_text("[]", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("assess", "--json", str(source), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == "body: must be a JSON object"


def test_it_explains_itself(tmp_path: Path) -> None:
    result = _run(tmp_path, "--help")
    assert result.returncode == 0
    assert "--json FILE" in result.stdout
    assert "docs/assessment.md" in result.stdout


def test_it_behaves_as_the_documentation_says(tmp_path: Path) -> None:
    (request, _) = json_blocks(section("JSON API"))
    usage, errors = blocks(section("Command line"), "text")
    assert _run(tmp_path, "--help").stdout == usage
    result = _run(tmp_path, "--json", "-", stdin=json.dumps(request))
    assert result.returncode == 2
    assert result.stderr == errors


def test_it_adds_the_status_and_asks_about_the_new_red_flags(tmp_path: Path) -> None:
    payload = typical_payload(symptoms={"dark_urine": False})
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(payload), encoding="utf-8")

    output = _assess(str(source))

    assert output["triage"] == "self_care"
    assert output["status"] == "incomplete"
    assert "saddle_numbness_or_bladder_bowel" in output["incomplete"]
    assert "pregnancy_headache_or_vision" not in output["incomplete"]  # pregnant: false
