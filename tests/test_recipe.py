"""The sampling recipe beside the weights: the shipped checkpoint carries one, render reads it,
``--sampler`` overrides it, a bad recipe gets one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from signgen.cli import app
from signgen.errors import ConfigError
from signgen.render import RenderOptions
from signgen.render.recipe import RECIPE_FILE, SamplerRecipe, load_recipe, with_recipe

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "checkpoints" / "rpfm-128"
POSES = Path(__file__).parent / "data" / "poses" / "fingerspelling_ase_A.pose"
REFERENCE = REPO / "examples" / "reference.png"
runner = CliRunner()


def test_the_shipped_checkpoint_carries_the_recipe_it_renders_with() -> None:
    assert (SHIPPED / RECIPE_FILE).is_file()
    recipe = load_recipe(SHIPPED)
    assert recipe.options() == RenderOptions()  # the golden frames are rendered with these
    assert recipe.warp and recipe.soften and recipe.warm_start == "trained"


def test_a_recipe_fills_only_the_values_left_at_their_defaults() -> None:
    recipe = SamplerRecipe(steps=4, warp=False)
    options = with_recipe(RenderOptions(seed=3, soften=False), recipe)
    assert (options.steps, options.warp, options.soften, options.seed) == (4, False, False, 3)
    assert with_recipe(RenderOptions(steps=6), recipe).steps == 6


def test_a_checkpoint_without_a_recipe_samples_with_the_defaults(tmp_path: Path) -> None:
    assert load_recipe(tmp_path) == SamplerRecipe()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("{ nope", "not a JSON"),
        ('{"steps": "many"}', "steps"),
        ('{"stepz": 2}', "stepz"),
        ('{"steps": 0}', "steps must be between 1 and 64"),
        ('{"solver": "rk4"}', "solver"),
    ],
)
def test_a_bad_recipe_is_refused_naming_the_file(text: str, needle: str, tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=needle) as caught:
        load_recipe(SHIPPED, path)
    assert "mine.json" in str(caught.value)


def test_render_reads_the_sampler_file(tiny_checkpoint: Path, tmp_path: Path) -> None:
    recipe = tmp_path / "cold.json"
    recipe.write_text(json.dumps({"warm_start": "none", "steps": 3}))
    report = tmp_path / "lat.json"
    result = runner.invoke(app, ["render", str(REFERENCE), str(POSES), "-o",
                                 str(tmp_path / "o.mp4"), "--checkpoint", str(tiny_checkpoint),
                                 "--full-generation", "--max-frames", "3", "--sampler",
                                 str(recipe), "--report", str(report)])  # fmt: skip
    assert result.exit_code == 0, result.output
    frames = json.loads(report.read_text())["frames"]
    assert [frame["nfe"] for frame in frames] == [3, 3, 3]  # every frame cold, 3 steps
    recipe.write_text('{"steps": -1}')
    result = runner.invoke(app, ["render", str(REFERENCE), str(POSES), "-o",
                                 str(tmp_path / "p.mp4"), "--checkpoint", str(tiny_checkpoint),
                                 "--full-generation", "--sampler", str(recipe)])  # fmt: skip
    assert result.exit_code == 1 and "cold.json" in result.output
    assert not (tmp_path / "p.mp4").exists()


def test_render_help_lists_at_most_fifteen_options() -> None:
    result = runner.invoke(app, ["render", "--help"], terminal_width=120)
    assert result.exit_code == 0
    rows = [line[1:].lstrip(" *") for line in result.output.splitlines() if line.startswith("│")]
    options = sorted({row.split()[0] for row in rows if row.startswith("--")})
    assert "--out" in options and "--sampler" in options and "--size" in options
    assert 10 <= len(options) <= 15, options
    assert "--warm-steps" not in options  # sampling details live in the recipe file
