"""Strict validation of config values read from JSON (or given as options), through pydantic.

Nothing is coerced: ``"false"`` is not a bool, ``2.9`` not an int, ``"8"`` not an int, NaN and
infinity are not numbers. Every problem becomes one `ConfigError` naming the field.
"""

from __future__ import annotations

import json
import typing
from functools import cache
from typing import Any

from signgen.errors import ConfigError

# In JSON mode strict pydantic still reads a path from a string and a tuple from an array.
_STRICT = {"strict": True, "allow_inf_nan": False}


@cache
def _adapter(annotation: Any, limit: int | None) -> Any:
    from pydantic import ConfigDict, Field, TypeAdapter

    if limit is not None:
        bounded = typing.Annotated[int, Field(ge=1, le=limit)]
        annotation = (
            typing.Annotated[tuple[bounded, ...], Field(min_length=1)]
            if (typing.get_origin(annotation) is tuple)
            else bounded
        )
    return TypeAdapter(annotation, config=ConfigDict(**_STRICT))  # type: ignore[typeddict-item]


def strict_values(
    kind: type, values: dict[str, Any], *, int_limit: int | None = None
) -> dict[str, Any]:
    """``values`` for the fields of dataclass ``kind``, each checked against its type hint.

    int_limit: every int (and every int of a tuple) must lie in [1, int_limit] (model sizes).
    Unknown names and ill-typed values raise `ConfigError` (field, expected, given).
    """
    hints = typing.get_type_hints(kind)
    unknown = sorted(set(values) - set(hints))
    if unknown:
        raise ConfigError(f"unknown {kind.__name__} fields: {', '.join(unknown)}")
    from pydantic import ValidationError

    out: dict[str, Any] = {}
    for name, value in values.items():
        annotation = hints[name]
        limited = int_limit if annotation in (int, tuple[int, ...]) else None
        try:
            text = json.dumps(value, default=str, allow_nan=True)
            out[name] = _adapter(annotation, limited).validate_json(text)
        except ValidationError as error:
            problem = error.errors()[0]
            given = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            raise ConfigError(f"{name}: {problem['msg'].lower()}, got {given}") from None
        except (TypeError, ValueError, RecursionError):
            raise ConfigError(f"{name}: not a JSON value, got {type(value).__name__}") from None
    return out
