"""The command line: `app` (typer) and `main` (the `t2l-edge` entry point). See `app.py`."""

from .app import app, main

__all__ = ["app", "main"]
