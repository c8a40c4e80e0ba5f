"""Reporting evaluation results: the JSON file, a rich table, a PNG chart. Files are written atomically."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from ..errors import RuntimeBackendError
from ..io import write_bytes_atomic
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


def format_cell(estimate: Interval | None, digits: int = 0) -> str:
    """Two lines: the accuracy (percent), then its 95% interval dimmed; '—' for a cell without scores."""
    if estimate is None:
        return "—"
    return f"{_pct(estimate.value, digits)}\n[dim]{_pct(estimate.low, digits)}–{_pct(estimate.high, digits)}[/]"


def results_table(results: Results):
    """Accuracy (%) per task and condition with 95% intervals, then the macro mean of each condition."""
    from rich.table import Table

    names = [c.name for c in results.conditions]
    table = Table("task", "n", *names, title="accuracy % (95% CI below)", show_lines=True)
    table.columns[0].overflow = "fold"
    for column in table.columns[2:]:
        column.justify = "right"
    for t in results.tasks:
        table.add_row(t.name, str(t.n), *(format_cell(results.cell(t.name, c).accuracy) for c in names))
    means = [results.means.get(c) for c in names]
    table.add_row(
        "[bold]mean[/]", "",
        *("[bold]" + format_cell(m.estimate, 1).replace("\n", "[/]\n", 1)
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


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RuntimeBackendError("the chart needs matplotlib: pip install matplotlib") from None


def plot_results(results: Results, path: str | os.PathLike) -> Path:
    """A PNG bar chart: accuracy per task (and the mean) for each condition, with 95% interval whiskers."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    groups = [t.name for t in results.tasks] + ["mean"]
    conditions = [c.name for c in results.conditions]
    width = 0.8 / len(conditions)
    fig = Figure(figsize=(max(6.0, 1.0 + 0.35 * len(groups) * len(conditions)), 4.5))
    FigureCanvasAgg(fig)  # no pyplot: no global backend state, no display needed
    ax = fig.add_subplot()
    for k, cond in enumerate(conditions):
        estimates = [results.cell(t, cond).accuracy for t in groups[:-1]]
        mean = results.means.get(cond)
        estimates.append(mean.estimate if mean else None)
        xs = [i + (k - (len(conditions) - 1) / 2) * width for i in range(len(groups))]
        shown = [(x, e) for x, e in zip(xs, estimates) if e is not None]
        if not shown:
            continue
        values = [e.value for _, e in shown]
        errors = [[max(0.0, e.value - e.low) for _, e in shown], [max(0.0, e.high - e.value) for _, e in shown]]
        ax.bar([x for x, _ in shown], values, width, yerr=errors, capsize=2, label=cond, error_kw={"linewidth": 0.8})
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=30 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center")
    ax.axvline(len(groups) - 1.5, color="0.6", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("accuracy")
    ax.set_title("accuracy per task and condition (95% CI)")
    ax.legend(fontsize="small", ncols=min(len(conditions), 6), loc="upper left", bbox_to_anchor=(0, -0.2 if len(groups) > 4 else -0.08))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, bbox_inches="tight")
    return write_bytes_atomic(path, buffer.getvalue())


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
    table = Table(*columns, title="response time per answer (model time: prompt, then decoding)")
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
