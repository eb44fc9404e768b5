"""The jinja2 sandbox of message templates, with bounds on what one template may cost: no single
operation may make a value larger than MAX_OUTPUT_CHARS (`'x' * 10**9`, `10 ** 10 ** 9`,
`'%999999999d' % 1`, `'x'.ljust(10**9)`, a join or replace that multiplies), and `within()`
stops a template's code at a deadline (a trace function on the rendering thread)."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import jinja2
from jinja2 import StrictUndefined
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT_CHARS = 100_000  # of a subject or body, rendered; and of any value made on the way
T = TypeVar("T")
_PRINTF = re.compile(r"%[-+ #0]*(\d*)(?:\.(\d+))?")
_FIELD = re.compile(r"\{[^{}]*?:[^{}\d]*(\d*)(?:\.(\d+))?")


class OutputTooLarge(Exception):
    pass


class TooSlow(Exception):
    pass


def _refuse(what: str) -> OutputTooLarge:
    return OutputTooLarge(f"{what} larger than {MAX_OUTPUT_CHARS}")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _check_widths(fmt: Any, pattern: re.Pattern[str]) -> None:
    if isinstance(fmt, str):
        for m in pattern.finditer(fmt):
            if any(d and int(d) > MAX_OUTPUT_CHARS for d in m.groups()):
                raise _refuse("a format field")


def _check_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_OUTPUT_CHARS:
            raise _refuse("an argument")


def _check_join(items: Any, sep: Any = "") -> None:
    if isinstance(items, list | tuple):
        total = sum(len(str(i)) for i in items) + len(str(sep)) * len(items)
        if total > MAX_OUTPUT_CHARS:
            raise _refuse("a join")


def _check_replace(s: Any, old: Any, new: Any, count: int = -1) -> None:
    if isinstance(s, str) and isinstance(old, str) and isinstance(new, str):
        n = s.count(old) if old else len(s) + 1
        n = n if count < 0 else min(n, count)
        if len(s) + n * len(new) > MAX_OUTPUT_CHARS:
            raise _refuse("a replace")


def _check_tabs(s: Any, tabsize: int = 8) -> None:
    if isinstance(s, str) and len(s) + s.count("\t") * tabsize > MAX_OUTPUT_CHARS:
        raise _refuse("expanded tabs")


_METHOD_CHECKS: dict[str, Callable[..., None]] = {
    "join": lambda sep, items, *_: _check_join(items, sep),
    "replace": _check_replace,
    "expandtabs": _check_tabs,
}


class Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            n = right if isinstance(right, int) else left if isinstance(left, int) else 1
            if max(_size(left), _size(right)) * max(n, 0) > MAX_OUTPUT_CHARS:
                raise _refuse("a repetition")
        elif operator == "**":
            ints = isinstance(left, int) and isinstance(right, int) and abs(left) > 1
            if ints and (right > 10_000 or left.bit_length() * right > 100_000):
                raise _refuse("a power")
        elif operator == "%":
            _check_widths(left, _PRINTF)
        return super().call_binop(context, operator, left, right)

    def call(
        __self,  # noqa: N805 (jinja2's signature)
        __context: Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        _check_args(args, kwargs)
        owner = getattr(__obj, "__self__", None)
        check = _METHOD_CHECKS.get(getattr(__obj, "__name__", ""))
        if isinstance(owner, str) and check is not None:
            check(owner, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_widths(value.__self__, _FIELD)
        return wrapped


def _guarded(name: str, check: Callable[..., None] | None = None) -> Callable[..., Any]:
    inner = jinja2.filters.FILTERS[name]

    def run(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[1:], kwargs)
        if check is not None:
            check(*args, **kwargs)
        return inner(*args, **kwargs)

    run.__dict__.update(inner.__dict__)  # keeps pass_environment / pass_eval_context marks
    return run


def environment() -> Sandbox:
    env = Sandbox(autoescape=True, undefined=StrictUndefined)
    env.filters["format"] = _guarded("format", lambda fmt, *_, **__: _check_widths(fmt, _PRINTF))
    env.filters["join"] = _guarded(
        "join", lambda _ctx, items, d="", *__, **___: _check_join(items, d)
    )
    env.filters["replace"] = _guarded(
        "replace", lambda _ctx, s, old, new, count=None: _check_replace(s, old, new, count or -1)
    )
    for name in ("center", "indent", "truncate", "wordwrap", "batch", "slice"):
        env.filters[name] = _guarded(name)
    return env


def within(seconds: float, fn: Callable[[], T]) -> T:
    """fn() in this thread, stopped (TooSlow) at the first line or call of a template's code
    past the deadline."""
    deadline = time.monotonic() + seconds

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TooSlow
        return trace if frame.f_code.co_filename == "<template>" else None

    sys.settrace(trace)
    try:
        return fn()
    finally:
        sys.settrace(None)
