"""Reporting evaluation results: the JSON file, a rich table, a PNG chart. Files are written atomically."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from ..errors import RuntimeBackendError
from ..io import write_bytes_atomic
from .compare import Comparison
from .runner import Interval, Results

PNG_DPI = 120


def write_results(results: Results, path: str | os.PathLike, predictions: bool = True) -> Path:
    """The results as JSON (scores, means, differences, and every prediction unless `predictions` is False)."""
    text = json.dumps(results.to_dict(predictions=predictions), indent=2, ensure_ascii=False) + "\n"
    return write_bytes_atomic(path, text.encode("utf-8"))


def _pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}"


def format_interval(estimate: Interval | None, digits: int = 1, signed: bool = False) -> str:
    """'66.7 [20.8, 93.9]' (percent; '+' on differences); '—' for a cell without scores."""
    if estimate is None:
        return "—"
    value = f"{100 * estimate.value:+.{digits}f}" if signed else _pct(estimate.value, digits)
    return f"{value} [{_pct(estimate.low, digits)}, {_pct(estimate.high, digits)}]"


def format_cell(estimate: Interval | None, digits: int = 0, style: str = ""):
    """Two lines: the accuracy (percent, in `style`), then its 95% interval dimmed; '—' for a cell without scores.
    Styled Text, not markup: the CLI's console reads no markup (task names and answers are not markup)."""
    from rich.text import Text

    if estimate is None:
        return Text("—")
    return Text.assemble((_pct(estimate.value, digits), style), "\n",
                         (f"{_pct(estimate.low, digits)}–{_pct(estimate.high, digits)}", "dim"))


def results_table(results: Results):
    """Accuracy (%) per task and condition with 95% intervals, then the macro mean of each condition."""
    from rich.table import Table
    from rich.text import Text

    names = [c.name for c in results.conditions]
    table = Table("task", "n", *names, title="accuracy % (95% CI below)", show_lines=True)
    table.columns[0].overflow = "fold"
    for column in table.columns[2:]:
        column.justify = "right"
    for t in results.tasks:
        table.add_row(t.name, str(t.n), *(format_cell(results.cell(t.name, c).accuracy) for c in names))
    means = [results.means.get(c) for c in names]
    table.add_row(
        Text("mean", "bold"), "",
        *(format_cell(m.estimate, 1, "bold")
          + (f"\n{m.tasks} of {len(results.tasks)} tasks" if m.tasks != len(results.tasks) else "")
          if m else "—" for m in means),
    )
    return table


def differences_table(results: Results):
    from rich.table import Table

    table = Table("condition", "vs", "tasks", "means", "difference (points) [95% CI]", title="differences")
    for d in results.differences:
        table.add_row(d.a, d.b, str(d.tasks), f"{_pct(d.mean_a)} vs {_pct(d.mean_b)}", format_interval(d.estimate, signed=True))
    return table


def write_comparison(comparison: Comparison, path: str | os.PathLike) -> Path:
    """`t2l-edge compare -o`: the comparison as JSON, with per-task accuracies."""
    return write_bytes_atomic(path, (json.dumps(comparison.to_dict(), indent=2) + "\n").encode("utf-8"))


def comparison_table(comparison: Comparison, name_a: str, name_b: str):
    """`t2l-edge compare`: each run's macro mean on the shared examples, and A − B with its paired interval."""
    from rich.table import Table

    c = comparison
    table = Table("", "results", "condition", "accuracy %", title=f"A − B on {len(c.tasks)} tasks, {c.examples} examples")
    table.columns[1].overflow = "fold"
    table.columns[3].justify = "right"
    table.add_row("A", name_a, c.condition_a, _pct(c.mean_a))
    table.add_row("B", name_b, c.condition_b, _pct(c.mean_b))
    table.add_row("A − B", "", "", format_interval(c.estimate, signed=True), style="bold")
    return table


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RuntimeBackendError("the chart needs matplotlib: pip install matplotlib") from None


# Chart layout: one row per task (plus the mean), conditions side by side in each row. Up to BARS_MAX_TASKS tasks
# the conditions are bars; beyond, a dot per condition with its interval as a line keeps rows thin enough to read
# 400 tasks in one image. Sizes in inches.
BARS_MAX_TASKS = 40
BAR_HEIGHT = 0.11  # per condition, bar rows
DOT_ROW = 0.22  # per task, dot rows
FIG_WIDTH = 9.0
FIG_MARGIN = 1.3  # title, legend and both axes
LABEL_CHARS = 48  # longer task names are shortened in the middle


def _short(name: str, limit: int = LABEL_CHARS) -> str:
    return name if len(name) <= limit else name[: limit // 2 - 1] + "…" + name[-(limit // 2 - 1):]


def chart_rows(results: Results) -> list[str]:
    """The rows of the chart, top to bottom: the mean, then every task in the results' order."""
    return ["mean"] + [t.name for t in results.tasks]


def plot_results(results: Results, path: str | os.PathLike) -> Path:
    """A PNG of accuracy per task (one row each, the mean on top) with every condition side by side in the row and
    its 95% interval: horizontal bars up to BARS_MAX_TASKS tasks, dots with interval lines beyond."""
    buffer = io.BytesIO()
    chart_figure(results).savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight")
    return write_bytes_atomic(path, buffer.getvalue())


def chart_figure(results: Results):
    """The matplotlib Figure behind `plot_results` (its height grows with the number of tasks)."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = chart_rows(results)
    conditions = [c.name for c in results.conditions]
    bars = len(results.tasks) <= BARS_MAX_TASKS
    row_height = BAR_HEIGHT * len(conditions) + 0.12 if bars else DOT_ROW
    fig = Figure(figsize=(FIG_WIDTH, FIG_MARGIN + row_height * len(rows)), layout="constrained")
    FigureCanvasAgg(fig)  # no pyplot: no global backend state, no display needed
    ax = fig.add_subplot()
    colors = [f"C{k % 10}" for k in range(len(conditions))]
    step = 0.8 / len(conditions)
    for k, cond in enumerate(conditions):
        estimates = [results.means[cond].estimate if cond in results.means else None]
        estimates += [results.cell(t, cond).accuracy for t in rows[1:]]
        offset = (k - (len(conditions) - 1) / 2) * (step if bars else 0.6 / len(conditions))  # side by side
        shown = [(i + offset, e) for i, e in enumerate(estimates) if e is not None]
        if not shown:
            continue
        ys = [y for y, _ in shown]
        values = [e.value for _, e in shown]
        errors = [[max(0.0, e.value - e.low) for _, e in shown], [max(0.0, e.high - e.value) for _, e in shown]]
        if bars:
            ax.barh(ys, values, step * 0.9, xerr=errors, color=colors[k], label=cond,
                    error_kw={"linewidth": 0.7, "capsize": 1.5, "ecolor": "0.25"})
        else:
            ax.errorbar(values, ys, xerr=errors, fmt="o", markersize=3.5, color=colors[k], label=cond,
                        elinewidth=0.8, alpha=0.85, capsize=0)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_short(r) for r in rows], fontsize=8 if bars or len(rows) <= 120 else 7)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first row (the mean) at the top
    ax.axhline(0.5, color="0.5", linewidth=0.8)  # the mean apart from the tasks
    ax.set_xlim(0, 1.02)  # a bar at 100% stays visible
    ax.xaxis.grid(True, color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labeltop=True, top=True)  # long charts: a scale at both ends
    ax.set_xlabel("accuracy (95% CI)")
    n = len(results.tasks)
    title = f"accuracy per task and condition (95% CI) · {n} task{'s' if n != 1 else ''}"
    legend = {"ncols": min(len(conditions), 6), "fontsize": "small", "frameon": False}
    fig.legend(loc="outside upper center", title=title, title_fontproperties={"size": 11}, **legend)
    if not bars:  # a long chart: the key at its foot too
        fig.legend(loc="outside lower center", **legend)
    return fig


def latency_table(results: Results, metrics=()):
    """Response time per condition: prompt and decode p50 / p95 (ms) per answer, tokens/s of the decoding."""
    from rich.table import Table

    from .latency import Metric

    show_time = Metric.RESPONSE_TIME in metrics or not metrics
    show_rate = Metric.TOKENS_PER_SECOND in metrics or not metrics
    columns = ["condition", "answers"]
    if show_time:
        columns += ["prompt ms p50 / p95", "decode ms p50 / p95", "total ms p50 / p95"]
    if show_rate:
        columns += ["tokens/s p50 / p95", "tokens/s overall"]
    table = Table(*columns, title="response time per answer (the prompt to the first token, then decoding; adapter "
                                  "switches not counted)")
    for column in table.columns[1:]:
        column.justify = "right"

    def pair(d):
        return "—" if d is None else f"{d['p50']:.1f} / {d['p95']:.1f}"

    for s in results.latency.values():
        row = [s.condition, str(s.answers)]
        if show_time:
            row += [pair(s.prompt_ms), pair(s.decode_ms), pair(s.total_ms)]
        if show_rate:
            row += [pair(s.tokens_per_second), "—" if s.tokens_per_second_overall is None else f"{s.tokens_per_second_overall:.1f}"]
        table.add_row(*row)
    return table
