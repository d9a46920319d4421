"""`python -m signgen`: the same CLI as the `signgen` command."""

from signgen.cli import main

main()
