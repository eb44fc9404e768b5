"""Numbers and booleans as the OpenAPI document states them.

pydantic's lax mode reads `true` as 1, `"3"` as 3, and 0, 1, `"yes"`, `"on"` as booleans, though
the document promises a JSON integer, number or boolean: the API fuzzer found such fields one at
a time (`"recurring_days": true`, `"burst": true`, `?open_only=yes`). These types keep the
document's word and add nothing to it (the schema is still `integer`, `number`, `boolean`); a
refusal carries pydantic's usual error code. tests/unit/test_strict_inputs.py checks every field
and parameter of the four APIs.

- `JsonInt`: a JSON integer (96.0 too: JSON Schema counts it one, and the fuzzer sends it),
  never a boolean or a string. Bounds go in the field's own `Field(...)`:
  `days: JsonInt = Field(30, ge=1, le=3650)`. Anywhere else (optional, in a list or a map) they
  go before the check, `Annotated[int, Field(ge=1, le=5), STRICT_INT]`: pydantic documents
  bounds placed after a validator as `ge`/`le`, which JSON Schema does not know (the test above
  checks that no schema holds them).
- `JsonFloat`: a JSON number (an integer too), never a boolean, a string, NaN or an infinity;
  bounds anywhere.
- `QueryBool`: a boolean in a query, where every value is text: `true`, `false` (and `1`, `0`,
  which a client may send for them), in any case; never `yes`, `on`, `t` or `y`.
- Booleans in a body are pydantic's `StrictBool`.

Text a person typed is trimmed, but only after it is checked, so the bounds and patterns count it
as the document does (`str_strip_whitespace` trimmed first: it refused a schema-valid `" "` on a
`minLength: 1` field and accepted `" a"` on a code pattern that has no space).
- `TrimmedModel`: a body model whose text fields (and lists of text) are stripped once they are
  valid.
- `NONBLANK_PLAIN`, `NONBLANK_LINE`: the patterns of free text (`params.PLAIN`) and of a line
  (no control character at all) that also need one character that is not a space; a text of
  spaces alone is refused with the field code `string_blank` (`nonblank_error`). A space is one of
  `SPACE` (Unicode's and ECMA-262's, named one by one), the same set the trimming strips: no
  pattern says `\\s` or `\\d`, whose meaning differs between the fuzzer, pydantic and a browser.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError


def whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a JSON integer")
    return value


WIRE_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def wire_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in WIRE_BOOLEANS:
        return WIRE_BOOLEANS[value.lower()]
    raise PydanticCustomError("bool_parsing", "Input should be true or false")


STRICT_INT = BeforeValidator(whole_number)
JsonInt = Annotated[int, STRICT_INT]
JsonFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
QueryBool = Annotated[bool, BeforeValidator(wire_bool)]


# A space, named one by one: `\s` differs by engine (ECMA-262's has U+FEFF and not U+0085; Rust's,
# pydantic's, and Python's have U+0085), so a schema-valid "\u0085" was refused as blank.
SPACE_CHARS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000\ufeff")
)
SPACE = "".join(f"\\u{ord(c):04x}" for c in SPACE_CHARS)  # the same set, for a pattern
PLAIN_EXCLUDED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff"
LINE_EXCLUDED = r"\x00-\x1f\x7f"
NONBLANK_PLAIN = rf"^[^{PLAIN_EXCLUDED}]*[^{SPACE}{PLAIN_EXCLUDED}][^{PLAIN_EXCLUDED}]*$"
NONBLANK_LINE = rf"^[^{LINE_EXCLUDED}]*[^{SPACE}{LINE_EXCLUDED}][^{LINE_EXCLUDED}]*$"
TOKEN = rf"^[^{SPACE}\x00-\x1f]+$"
"""One word: no space and no control character (a user id, a code as typed)."""
NONBLANK_PATTERNS = frozenset({NONBLANK_PLAIN, NONBLANK_LINE})


def nonblank_error(error: dict[str, Any]) -> str:
    """`string_blank` for a pattern refusal of text that is only spaces under a non-blank
    pattern; the error's own type otherwise."""
    kind = str(error.get("type", ""))
    text = error.get("input")
    pattern = (error.get("ctx") or {}).get("pattern")
    blank = isinstance(text, str) and not text.strip(SPACE_CHARS)
    if kind == "string_pattern_mismatch" and pattern in NONBLANK_PATTERNS and blank:
        return "string_blank"
    return kind


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip(SPACE_CHARS)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip(SPACE_CHARS) for v in value]
    return value


class TrimmedModel(BaseModel):
    """A body whose text is stripped after validation (see the module's note)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _trim(self) -> TrimmedModel:
        for name in type(self).model_fields:
            self.__dict__[name] = _trimmed(self.__dict__[name])
        return self
