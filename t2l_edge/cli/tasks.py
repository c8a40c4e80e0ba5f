"""`t2l-edge tasks …`: list the built-in suite, show one family, export a split, check a task file."""

from __future__ import annotations

import difflib
import json
import random
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..choices import choice_error
from ..errors import InvalidInputError
from ..tasks.splits import Split
from .console import console, keep_whole, table
from .options import JsonFlag, Seed

app = typer.Typer(help="The built-in task suite and task files.", no_args_is_help=True)


def _family(name: str):
    from ..tasks.suite import FAMILIES

    if name not in FAMILIES:
        close = difflib.get_close_matches(name, FAMILIES, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `t2l-edge tasks list`)"
        raise InvalidInputError(f"unknown task family {name!r}{hint}")
    return FAMILIES[name]


@app.command("list", short_help="The task families, their split and a sample.")
def list_(
    theme: Annotated[str | None, typer.Option("--theme", metavar="THEME", help="Only the families of this theme.")] = None,
    seed: Seed = 0,
    json_output: JsonFlag = False,
):
    """The task families: theme, split, descriptions, metric and one sample."""
    from ..tasks.suite import FAMILIES, THEMES
    from ..tasks.suite.corpus import count_corpus

    if theme is not None and theme not in THEMES:
        raise choice_error("--theme", theme, THEMES)
    with console.status("sampling every family (the real-data ones read their packages: about 10 s)"):
        rows = _list_rows([f for f in FAMILIES.values() if theme is None or f.theme == theme], seed)
    if json_output:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    count = count_corpus(f for f in FAMILIES.values() if theme is None or f.theme == theme)
    title = f"{len(rows)} task families ({count.rows} counted, {count.operations} distinct operations)"
    # identifiers (family, theme) stay whole; the rest folds (descriptions and more: --json)
    # piped: the records alone (the count is `wc -l`)
    t = table("family", "theme", "split", "metric", "sample", identifiers=(0, 1), title=title if console.is_terminal else None)
    for r in rows:
        t.add_row(r["name"], r["theme"], r["split"], r["metric"], f"{r['input']} → {r['output']}")
    console.print(keep_whole(t))


def _list_rows(families, seed: int) -> list[dict]:
    from ..tasks.splits import family_split
    from ..tasks.suite.realdata import NEEDS_TRAIN_EXTRA, MissingDataPackageError

    rows = []
    for f in families:
        try:
            x, y = f.make(random.Random(f"sample:{seed}:{f.name}"))
        except MissingDataPackageError:  # a device install lists the real-data families without their data
            x, y = "-", NEEDS_TRAIN_EXTRA
        rows.append({"name": f.name, "theme": f.theme, "split": family_split(f.name).value,
                     "descriptions": len(f.descriptions), "metric": f.metric.value, "input": x, "output": y,
                     "operation": f.op, "parameter": f.parameter, "source": f.source})
    return rows


@app.command(short_help="One family: descriptions and instances.")
def show(
    name: Annotated[str, typer.Argument(help="A family name (see `tasks list`).")],
    instances: Annotated[int, typer.Option("--sample", min=1, max=100, help="Instances to show.")] = 5,
    seed: Seed = 0,
):
    """One family: its descriptions (train / held out) and a few instances."""
    from ..tasks.splits import HELDOUT_DESCRIPTIONS_PER_FAMILY, family_split

    f = _family(name)
    split = family_split(f.name).value
    console.print(f"{f.name}  theme {f.theme} · split {split} · metric {f.metric.value}"
                  + (f" · choices {', '.join(f.choices)}" if f.choices else "")
                  + (f" · operation {f.op}" if f.op != f.name else "")
                  + (f" · parameter {f.parameter}" if f.parameter is not None else "") + f" · source {f.source}")
    held_from = len(f.descriptions) - HELDOUT_DESCRIPTIONS_PER_FAMILY
    table = Table("#", "description", "split", title="descriptions", show_lines=False)
    for i, d in enumerate(f.descriptions):
        role = split if split != "train" else ("heldout-descriptions" if i >= held_from else "train")
        table.add_row(str(i), d, role)
    console.print(table)
    rng = random.Random(f"show:{seed}:{f.name}")
    ex = Table("input", "output", title="instances")
    for _ in range(instances):
        ex.add_row(*f.make(rng))
    console.print(ex)


@app.command(short_help="Write a split of the suite as a JSONL task file.")
def export(
    split: Annotated[Split, typer.Option("--split", "-s", case_sensitive=False, help="Which part of the suite.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL file (one task per line).")],
    instances: Annotated[int, typer.Option("--instances", "-n", min=1, help="Instances per task (at most).")] = 32,
    seed: Seed = 0,
):
    """Write a split of the suite as JSONL in the task format."""
    from ..tasks.format import save_tasks
    from ..tasks.splits import build_split

    with console.status(f"building split {split.value} ({instances} instances per task)"):
        tasks = build_split(split, n_instances=instances, seed=seed)
    save_tasks(tasks, output)
    n = sum(len(t.examples) for t in tasks)
    d = sum(len(t.descriptions) for t in tasks)
    console.print(f"wrote {len(tasks)} tasks ({d} descriptions, {n} instances) of split {split.value} to {output}")


@app.command(short_help="Check a task file; the first error with its line.")
def check(path: Annotated[Path, typer.Argument(help="A task file (.json, .jsonl) or a folder of them.")]):
    """Load task files (ours or Super-NaturalInstructions) and report what they hold, or the first error."""
    from ..tasks.format import load_tasks

    tasks = load_tasks(path)
    out = table("task", "descriptions", "examples", "metric", title=f"{path}: {len(tasks)} tasks" if console.is_terminal else None)
    for t in tasks:
        out.add_row(t.name, str(len(t.descriptions)), str(len(t.examples)), t.metric.value)
    console.print(keep_whole(out))
