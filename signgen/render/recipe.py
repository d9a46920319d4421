"""The sampling recipe kept beside a checkpoint's weights (``sampler.json``).

A checkpoint is trained for one way of sampling it (cold steps, warm start, warp, blur,
stabilisation, clamp); the recipe file says which, so render, batch, bench and eval sample it
as it was trained. `load_recipe` reads it (or a file given with ``--sampler``) and
`SamplerRecipe.options` turns it into `RenderOptions`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from signgen.checkpoint import RECIPE_FILE, RECIPE_FORMAT
from signgen.errors import ConfigError
from signgen.render.options import RenderOptions, WarmStart
from signgen.sampler import Method

_DEFAULTS = RenderOptions()


class SamplerRecipe(BaseModel):
    """How a checkpoint is sampled; the fields are those of `RenderOptions` of the same name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = RECIPE_FORMAT
    steps: int = _DEFAULTS.steps
    solver: Method = _DEFAULTS.solver
    warm_start: WarmStart = _DEFAULTS.warm_start
    warm_steps: int = _DEFAULTS.warm_steps
    t0: float = _DEFAULTS.t0
    keyframe_interval: int = _DEFAULTS.keyframe_interval
    clamp: bool = _DEFAULTS.clamp
    static_gain: float = _DEFAULTS.static_gain
    warp: bool = _DEFAULTS.warp
    soften: bool = _DEFAULTS.soften

    def options(self, **overrides: Any) -> RenderOptions:
        """`RenderOptions` with this recipe's values, then ``overrides`` (seed, smoothing...)."""
        values = self.model_dump(exclude={"format"})
        return RenderOptions(**{**values, **overrides})


def load_recipe(checkpoint: str | Path, override: str | Path | None = None) -> SamplerRecipe:
    """The recipe of ``checkpoint`` (its ``sampler.json``; the defaults when it has none), or
    the file ``override`` when given. A bad file raises one ConfigError naming it."""
    path = Path(override) if override is not None else Path(checkpoint) / RECIPE_FILE
    if override is None and not path.is_file():
        return SamplerRecipe()
    try:
        recipe = SamplerRecipe.model_validate(json.loads(path.read_text()))
    except FileNotFoundError:
        raise ConfigError("no such sampling recipe file", path=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"not a JSON sampling recipe ({error})", path=path) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "recipe"
        raise ConfigError(f"bad sampling recipe: {where}: {first['msg']}", path=path) from None
    if recipe.format != RECIPE_FORMAT:
        raise ConfigError(f"unknown recipe format {recipe.format!r}", path=path)
    try:
        recipe.options()
    except ConfigError as error:
        raise ConfigError(f"bad sampling recipe: {error}", path=path) from None
    return recipe


def recipe_fields() -> tuple[str, ...]:
    """The `RenderOptions` fields a recipe sets."""
    names = {field.name for field in dataclasses.fields(RenderOptions)}
    return tuple(name for name in SamplerRecipe.model_fields if name in names)


def with_recipe(options: RenderOptions, recipe: SamplerRecipe) -> RenderOptions:
    """``options`` whose sampling fields left at their defaults take the recipe's values (a
    value the user set on purpose wins)."""
    defaults = RenderOptions()
    changes = {
        name: getattr(recipe, name)
        for name in recipe_fields()
        if getattr(options, name) == getattr(defaults, name)
    }
    return dataclasses.replace(options, **changes)
