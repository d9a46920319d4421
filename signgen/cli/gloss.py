"""`signgen gloss` (gloss text -> pose file) and `signgen lexicon add|list`."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from signgen.cli.app import app, command_group, console, fail, styled
from signgen.cli.paths import check_output_folder
from signgen.errors import SigngenError

lexicon_app = command_group(
    "lexicon",
    "Manage the sign lexicon (pose_sequences/): add recordings, list signs.",
    "signgen lexicon list --language sgg",
    "signgen lexicon add HELLO hello.pose --language ase --words hello",
)

LexiconDir = Annotated[
    Path | None,
    typer.Option(
        "--lexicon", help="Lexicon folder (index.csv + pose files). Default: pose_sequences/."
    ),
]


@app.command("gloss")
def gloss_command(
    text: Annotated[str, typer.Argument(help='Glosses separated by spaces, e.g. "HELLO A-N-N-A".')],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Pose file to write (.json, .pose).")
    ],
    language: Annotated[
        str, typer.Option("--language", "-l", help="Sign language (ISO 639-3): ase, sgg, ...")
    ] = "ase",
    lexicon: LexiconDir = None,
    fps: Annotated[float, typer.Option(help="Frames per second of the output.")] = 25.0,
) -> None:
    """Build a pose sequence from gloss text using the lexicon of recorded signs.

    Example: signgen gloss "ESSEN PIZZA" --language sgg -o essen_pizza.json

    Glosses match case-insensitively. One the lexicon lacks is fingerspelled, with a warning.

    A-N-N-A (letters joined by hyphens) is fingerspelled on purpose.
    """
    from signgen.gloss import FingerspellingWarning, Lexicon, default_lexicon_dir, glosses_to_poses
    from signgen.io import write_poses

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FingerspellingWarning)
            seq = glosses_to_poses(
                text,
                language=language,
                lexicon=Lexicon.load(lexicon or default_lexicon_dir()),
                fps=fps,
            )
        for warning in caught:
            console.print(styled("warning:", "yellow", warning.message), highlight=False)
        write_poses(seq, output)
    except SigngenError as error:
        fail(error)
        return
    spans = ", ".join(f"{g.gloss} {g.start}-{g.end}" for g in seq.glosses)
    console.print(
        f"wrote {output}: {seq.num_frames} frames, {seq.duration:.2f} s at {seq.fps:g} fps "
        f"[{spans}]",
        highlight=False,
    )
    if output.suffix.lower() != ".json":
        console.print(f"note: {output.suffix} keeps no gloss spans; write .json to keep them")


@lexicon_app.command("add")
def lexicon_add(
    gloss: Annotated[str, typer.Argument(help="The sign's gloss, e.g. HELLO.")],
    file: Annotated[Path, typer.Argument(help="A pose file (.pose, .json, ...) or a video.")],
    language: Annotated[
        str, typer.Option("--language", "-l", help="Sign language (ISO 639-3): ase, sgg, ...")
    ] = "ase",
    words: Annotated[
        str, typer.Option(help="Spoken-language words the sign means, separated by |.")
    ] = "",
    spoken_language: Annotated[str, typer.Option(help="Language of --words (en, de, ...).")] = "",
    start_ms: Annotated[int, typer.Option(help="Start of the sign in the recording, ms.")] = 0,
    end_ms: Annotated[
        int, typer.Option(help="End of the sign in the recording, ms (0 = end).")
    ] = 0,
    priority: Annotated[int, typer.Option(help="Higher wins among signs with one gloss.")] = 0,
    trim: Annotated[
        bool, typer.Option("--trim/--no-trim", help="Drop rest frames (hands below elbows).")
    ] = True,
    lexicon: LexiconDir = None,
) -> None:
    """Import a recording of one sign into the lexicon (converted, trimmed, indexed).

    Example: signgen lexicon add HELLO hello.pose --language ase --words hello --spoken-language en
    """
    from signgen.gloss import default_lexicon_dir
    from signgen.gloss.importer import add_sign
    from signgen.gloss.index import LexiconEntry

    folder = lexicon or default_lexicon_dir()
    try:
        check_output_folder(folder, "--lexicon")
    except SigngenError as error:
        fail(error)
    recording = LexiconEntry(
        gloss=gloss,
        signed_language=language,
        file=str(file),
        spoken_language=spoken_language,
        words=tuple(w.strip() for w in words.split("|") if w.strip()),
        start_ms=start_ms,
        end_ms=end_ms,
        priority=priority,
    )
    try:
        entry = add_sign(folder, recording, trim)
    except SigngenError as error:
        fail(error)
        return
    console.print(f"added {entry.gloss} ({entry.signed_language}) -> {folder / entry.file}")


@lexicon_app.command("list")
def lexicon_list(
    language: Annotated[
        str | None, typer.Option("--language", "-l", help="Only this sign language.")
    ] = None,
    lexicon: LexiconDir = None,
) -> None:
    """List the signs of the lexicon.

    Example: signgen lexicon list --language sgg
    """
    from signgen.gloss import Lexicon, default_lexicon_dir

    try:
        lex = Lexicon.load(lexicon or default_lexicon_dir())
    except SigngenError as error:
        fail(error)
        return
    table = Table("gloss", "language", "words", "file")
    for code in [language.lower()] if language else lex.languages():
        for entry in lex.signs(code):
            table.add_row(entry.gloss, code, " | ".join(entry.words), entry.file)
    Console(markup=False).print(table)
