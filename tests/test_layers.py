"""Imports must point down the layers of DESIGN.md section 2; this test fails otherwise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "signgen"

# Rank of each top-level module/subpackage: a module may import only from lower or equal ranks
# (equal = inside its own layer). `sampler` and `path` sit beside `model` but may not import it.
RANKS: dict[str, int] = {
    "__init__": 0,
    "errors": 0,
    "validate": 0,
    "data": 0,
    "pose": 1,
    "io": 2,
    "gloss": 3,
    "synth": 3,
    "extract": 3,
    "cond": 4,
    "person": 4,
    "model": 5,
    "path": 5,
    "sampler": 5,
    "timing": 5,
    "checkpoint": 6,
    "metrics": 6,
    "targets": 6,
    "train": 7,
    "eval": 8,
    "video": 8,
    "report": 8,
    "render": 9,
    "batch": 10,
    "bench": 10,
    "realeval": 10,
    "serve": 10,
    "api": 10,
    "cli": 11,
    "__main__": 11,  # `python -m signgen`: the CLI
}
# Pairs that the layer ranks alone would allow but DESIGN.md forbids.
FORBIDDEN = {("sampler", "model"), ("model", "sampler"), ("model", "io"), ("path", "model")}
# Nothing imports `train` except the CLI.
ONLY_CLI_IMPORTS = {"train"}


def _layer(module_path: Path) -> str:
    rel = module_path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imported_layers(source: str) -> set[str]:
    layers: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("signgen"):
            parts = node.module.split(".")
            if len(parts) > 1:
                layers.add(parts[1])
            else:
                layers.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "signgen" and len(parts) > 1:
                    layers.add(parts[1])
    return layers


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_layer_is_ranked() -> None:
    unknown = {_layer(p) for p in MODULES} - set(RANKS)
    assert not unknown, f"add these modules to RANKS in {__file__}: {sorted(unknown)}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(module: Path) -> None:
    own = _layer(module)
    for target in _imported_layers(module.read_text()):
        if target not in RANKS or target == own:
            continue
        if module == PACKAGE / "__init__.py" and target == "api":
            continue  # the package's front door: `signgen.render_video`, loaded on first use
        assert RANKS[target] <= RANKS[own], (
            f"{own} (rank {RANKS[own]}) imports {target} (rank {RANKS[target]})"
        )
        assert (own, target) not in FORBIDDEN, f"{own} must not import {target}"
        if target in ONLY_CLI_IMPORTS:
            assert own == "cli", f"only the CLI may import {target}"


def test_checker_catches_an_upward_import() -> None:
    assert _imported_layers("from signgen.render import Renderer\nimport signgen.cli.app") == {
        "render",
        "cli",
    }
