"""Typed text is checked as the OpenAPI document says, then trimmed.

Every text field of feedback's trimmed bodies is probed with random text (spaces, tabs, line
breaks, letters, Chinese, control characters, at the field's length bounds): pydantic's verdict
must equal JSON Schema's verdict on the field's own schema, what is kept is the text stripped, and
a text of spaces alone under a non-blank pattern is answered with the field code `string_blank`.
The seed is printed on failure (HOUQIN_SEED to repeat it).
"""

from __future__ import annotations

import importlib
import os
import random
import re
from collections.abc import Iterator
from typing import Annotated, Any

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from houqin_shared.field_errors import field_message
from houqin_shared.http import field_error
from houqin_shared.strict import TrimmedModel

MODULES = [
    "feedback.domain",
    "feedback.domain_catalog",
    "feedback.domain_fix",
    "feedback.domain_replies",
    "feedback.domain_surveys",
    "feedback.domain_track",
    "feedback.domain_votes",
    "feedback.api_reception",
    "feedback.api_supervisor",
]
PIECES = [
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\u3000",
    "\x85",
    "\xa0",
    "\u2028",
    "\ufeff",
    "a",
    "Z",
    "7",
    "-",
    "_",
    "水",
    "修",
    "\x00",
    "\x1f",
    "\x7f",
    "é",
]
SEED = int(os.environ.get("HOUQIN_SEED", random.randrange(2**32)))


def trimmed_models() -> list[type[TrimmedModel]]:
    for name in MODULES:
        importlib.import_module(name)
    found: list[type[TrimmedModel]] = []
    todo = list(TrimmedModel.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return sorted(found, key=lambda m: m.__qualname__)


def text_fields() -> list[tuple[str, str, TypeAdapter[Any]]]:
    out = []
    for model in trimmed_models():
        for name, info in model.model_fields.items():
            adapter: TypeAdapter[Any] = TypeAdapter(Annotated[info.annotation, info])
            schema = adapter.json_schema()
            kinds = [schema, *schema.get("anyOf", [])]
            if any(k.get("type") == "string" and "format" not in k for k in kinds):
                out.append((model.__qualname__, name, adapter))
    return out


def probe(rng: random.Random, schema: dict[str, Any]) -> str:
    kinds = [schema, *schema.get("anyOf", [])]
    top = max((k.get("maxLength", 40) for k in kinds if k.get("type") == "string"), default=40)
    length = rng.choice([0, 1, 2, 3, 9, 10, 11, rng.randrange(0, min(top, 60) + 1), top, top + 1])
    return "".join(rng.choice(PIECES) for _ in range(length))[: top + 1]


def ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """JSON Schema's `pattern` as ECMA-262 reads it: `$` ends the text (Python's `$` also
    matches before a final line break, so "7\n" would pass `^[0-9]+$`)."""
    ecma = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    if isinstance(instance, str) and not re.search(ecma, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


ECMA = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": ecma_pattern})


def schema_accepts(schema: dict[str, Any], text: str) -> bool:
    return ECMA(schema).is_valid(text)


def test_no_body_model_trims_before_checking() -> None:
    """`str_strip_whitespace` trims before the bounds and patterns: none of the services'
    models may set it (TrimmedModel trims after)."""
    for name in [*MODULES, "tickets.__main__", "scoring.__main__", "notify.__main__"]:
        importlib.import_module(name)
    todo, trimming = list(BaseModel.__subclasses__()), []
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.model_config.get("str_strip_whitespace"):
            trimming.append(f"{model.__module__}.{model.__qualname__}")
    assert not trimming


def test_there_are_trimmed_text_fields() -> None:
    fields = text_fields()
    assert len(fields) >= 20, fields  # a rename must not empty the probe silently


def test_pydantic_and_the_schema_agree_and_text_is_kept_trimmed() -> None:
    rng = random.Random(SEED)
    disagree = []
    probes = 0
    for model, name, adapter in text_fields():
        schema = adapter.json_schema()
        for _ in range(25):
            text = probe(rng, schema)
            probes += 1
            expected = schema_accepts(schema, text)
            try:
                adapter.validate_python(text)
                accepted = True
            except ValidationError:
                accepted = False
            if accepted != expected:
                disagree.append((model, name, repr(text), "pydantic", accepted, "schema", expected))
    assert probes >= 400
    assert not disagree, f"seed {SEED} (HOUQIN_SEED={SEED} to repeat): {disagree[:10]}"


def test_kept_text_is_stripped() -> None:
    from feedback.domain import ReportIn

    report = ReportIn.model_validate(
        {
            "kind": "repair",
            "category": "plumbing",
            "location": {"building": "north-dorm-7", "text": "  三楼水房\n"},
            "description": " \t水龙头漏水  ",
            "contact": " 138 0000 0000 ",
        }
    )
    assert (report.description, report.contact) == ("水龙头漏水", "138 0000 0000")
    assert report.location.text == "三楼水房"


@pytest.mark.parametrize("blank", [" ", "\t\n", "\u3000\u3000", "\x85", "\ufeff\xa0"])
def test_spaces_alone_are_string_blank_in_both_languages(blank: str) -> None:
    from feedback.domain_fix import RatingIn

    with pytest.raises(ValidationError) as caught:
        RatingIn.model_validate({"quality": 1, "timeliness": 1, "attitude": 1, "comment": blank})
    item = field_error(caught.value.errors()[0])
    assert item["type"] == "string_blank", item
    assert "ctx" not in item
    assert field_message(item["type"], None, "zh") == "此项不能只填空格"
    assert field_message(item["type"], None, "en") == "This field cannot be only spaces"


def test_a_control_character_is_not_called_blank() -> None:
    from feedback.domain_fix import AnswerIn

    with pytest.raises(ValidationError) as caught:
        AnswerIn.model_validate({"text": " \x00 "})
    assert field_error(caught.value.errors()[0])["type"] == "string_pattern_mismatch"


def test_a_code_with_a_space_is_refused_not_trimmed_into_shape() -> None:
    from feedback.domain import ReportIn

    with pytest.raises(ValidationError):
        ReportIn.model_validate(
            {
                "kind": "repair",
                "category": " plumbing",
                "location": {"text": "x"},
                "description": "x",
            }
        )


def test_the_pattern_and_the_trimming_agree_on_what_a_space_is() -> None:
    """`SPACE` (in patterns) and `SPACE_CHARS` (stripped) are one set: Unicode's spaces
    (Python's `isspace`, less the C0 separators no text field admits) and ECMA-262's U+FEFF."""
    from houqin_shared.strict import SPACE, SPACE_CHARS

    in_pattern = {c for c in map(chr, range(0x10000)) if re.fullmatch(f"[{SPACE}]", c)}
    unicode = {c for c in map(chr, range(0x10000)) if c.isspace()} - set("\x1c\x1d\x1e\x1f")
    assert in_pattern == set(SPACE_CHARS) == unicode | {"\ufeff"}
