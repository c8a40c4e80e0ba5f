"""`python -m t2l_edge.cli …` (e.g. under torchrun)."""

from .app import main

main()
