"""Evaluation: every task under every condition, scored, with 95% confidence intervals.

The runtime comes from the caller (core never imports a runtime):

- `make_adapters(texts) -> [LoraAdapter]`: turns task descriptions into adapters (a bundle, a checkpoint);
- `encode(adapter) -> bytes`: the adapter as the runtime loads it (the CLI: a GGUF file quantized with the recipe);
- `complete(prompt, adapter_bytes | None, max_tokens) -> str`: greedy completion with that adapter active (None:
  the plain base). Calls for one adapter come one after another with the same bytes object, so a completer can keep
  the last adapter loaded (compare by identity) instead of reloading it for every prompt.

Which description: example j of a task with k descriptions uses description j mod k, for the prompt (`+desc`
conditions) and for the adapter, so every wording is exercised; `mismatched` uses the other task's description
j mod k' (the other task comes from a seeded derangement, `conditions.derangement`).

Which examples (`icl`, `t2l+card`): example j gets `shots` of the task's other examples (`shots_for`), seeded by
(seed, task, j), the same for both conditions, so they compare paired: the examples after the evaluated ones
(`limit`) when there are enough, else any other; never one whose input is example j's.

Statistics. Every metric scores an answer 1 or 0, so a task × condition cell is a proportion k/n with a Wilson
score interval (a cell with fractional scores gets a percentile bootstrap instead). A condition's mean is the macro
average of its tasks' accuracies; its interval, and those of the differences between conditions (on the tasks both
have), come from a stratified, paired percentile bootstrap: each resample redraws every task's examples with
replacement, the same draw for every condition of that task.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..adapter import LoraAdapter
from ..errors import InvalidInputError
from ..prompts import DEFAULT_PROMPT_FORMAT, PromptFormat, get_prompt_format
from ..task_card import TaskCard, pick_shots
from ..tasks.format import Task
from .benchmarks import max_tokens_for, metric_name, score_example
from .conditions import AdapterSource, Condition, derangement
from .latency import LatencySummary, Timing, summarize

MakeAdapters = Callable[[list], list[LoraAdapter]]  # task texts and TaskCards (t2l+card) -> adapters
Encode = Callable[[LoraAdapter], bytes]
Complete = Callable[[str, bytes | None, int], str]
Progress = Callable[[int, int], None]
LastTiming = Callable[[], Timing]  # the model time of the completion that just ended

CI_LEVEL = 0.95
Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_BLOCK = 4_000_000  # resampled indices held at once (bounds memory for large tasks)
GENERATION_CHUNK = 32  # descriptions per make_adapters call; only the encoded bytes of one task's adapters are kept
WILSON = "wilson"
BOOTSTRAP = "bootstrap"
MEAN_METHOD = "macro mean over tasks; stratified percentile bootstrap over examples"
DEFAULT_SHOTS = 3  # solved examples in an icl prompt and on a t2l+card card
MULTITASK_KEY = ("multitask", "multitask")  # the one adapter of condition multitask

# Differences reported when both conditions were run: (a, b) -> mean(a) − mean(b) on the tasks both have.
DIFFERENCES = (
    ("t2l", "base"),
    ("t2l+desc", "base+desc"),
    ("t2l", "base+desc"),
    ("t2l", "mismatched"),
    ("oracle", "t2l"),
    ("base+desc", "base"),
    ("t2l+card", "icl"),
    ("icl", "base+desc"),
    ("t2l+card", "t2l"),
    ("t2l", "multitask"),
    ("t2l+desc", "multitask"),
    ("multitask", "base+desc"),
    ("t2l+desc", "t2l"),
    ("t2l+card+icl", "icl"),
)

RESULTS_FORMAT = "t2l-edge-evaluation"  # the results file `evaluate --output` writes and `compare` reads
RESULTS_VERSION = 1


# -- statistics -------------------------------------------------------------------------------------------------


def wilson_interval(successes: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a proportion successes / n (95% with the default z)."""
    if n <= 0:
        raise InvalidInputError(f"a proportion needs at least one trial, got n={n}")
    if not 0 <= successes <= n:
        raise InvalidInputError(f"successes must be in [0, {n}], got {successes}")
    p = successes / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, center - half), min(1.0, center + half)


def percentile_interval(samples: np.ndarray) -> tuple[float, float]:
    tail = (1 - CI_LEVEL) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def resampled_means(scores: Sequence[np.ndarray], resamples: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Bootstrap means (resamples,) of several score vectors of one task, all resampled with the same indices."""
    n = len(scores[0])
    out = [np.empty(resamples) for _ in scores]
    block = max(1, BOOTSTRAP_BLOCK // n)
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        idx = rng.integers(0, n, size=(stop - start, n))  # (b, n)
        for s, o in zip(scores, out):
            o[start:stop] = s[idx].mean(axis=1)
    return out


@dataclass(frozen=True)
class Interval:
    """A point estimate and its 95% confidence interval."""

    value: float
    low: float
    high: float
    method: str

    def to_dict(self) -> dict:
        return {"value": self.value, "ci": [self.low, self.high], "method": self.method}


# -- results ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    index: int  # the example's position in its task
    prediction: str  # the completion, cut at the prompt format's stop
    reference: str
    score: float
    description: str | None  # the description in the prompt, if any
    adapter_from: str | None  # the text the adapter was generated from; "oracle" / "multitask" for a trained LoRA;
    # the adapter's name for one given by the user
    shots: tuple[int, ...] = ()  # the examples (indices in the task) in the prompt or on the card
    timing: Timing | None = None  # model time of the answer, when measured

    def to_dict(self) -> dict:
        out = {**vars(self), "shots": list(self.shots)}
        if self.timing is None:
            del out["timing"]
        else:
            out["timing"] = self.timing.to_dict()
        return out


@dataclass
class Cell:
    task: str
    condition: str
    predictions: list[Prediction] = field(default_factory=list)
    note: str = ""  # why a cell has no predictions (a task without an oracle LoRA)
    accuracy: Interval | None = None

    @property
    def n(self) -> int:
        return len(self.predictions)

    @property
    def scores(self) -> np.ndarray:
        return np.array([p.score for p in self.predictions], dtype=np.float64)

    @property
    def correct(self) -> float:
        return float(self.scores.sum())

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"task": self.task, "condition": self.condition, "n": self.n}
        if self.accuracy is None:
            out.update(correct=None, accuracy=None, ci=None, ci_method=None, note=self.note)
        else:
            c = self.correct
            out.update(correct=int(c) if c.is_integer() else c, accuracy=self.accuracy.value,
                       ci=[self.accuracy.low, self.accuracy.high], ci_method=self.accuracy.method)
        return out


@dataclass(frozen=True)
class TaskInfo:
    name: str
    n: int  # examples evaluated
    available: int  # examples in the task
    descriptions: int
    metric: str
    max_tokens: int
    mismatched_with: str | None

    def to_dict(self) -> dict:
        return dict(vars(self))


@dataclass(frozen=True)
class Mean:
    condition: str
    tasks: int
    estimate: Interval

    def to_dict(self) -> dict:
        return {"condition": self.condition, "tasks": self.tasks, "mean": self.estimate.value,
                "ci": [self.estimate.low, self.estimate.high], "method": self.estimate.method}


@dataclass(frozen=True)
class Difference:
    a: str
    b: str
    tasks: int  # tasks both conditions have
    mean_a: float
    mean_b: float
    estimate: Interval  # mean_a − mean_b

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "tasks": self.tasks, "mean_a": self.mean_a, "mean_b": self.mean_b,
                "difference": self.estimate.value, "ci": [self.estimate.low, self.estimate.high],
                "method": self.estimate.method}


@dataclass
class Results:
    conditions: list[Condition]
    tasks: list[TaskInfo]
    cells: dict[tuple[str, str], Cell]  # (task, condition) -> cell, for every pair
    means: dict[str, Mean]  # conditions with at least one scored task
    differences: list[Difference]
    meta: dict[str, Any]
    latency: dict[str, LatencySummary] = field(default_factory=dict)  # condition -> response times, when measured

    def cell(self, task: str, condition: str) -> Cell:
        return self.cells[(task, condition)]

    def to_dict(self, predictions: bool = True) -> dict:
        out = {
            "format": RESULTS_FORMAT,
            "version": RESULTS_VERSION,
            "meta": self.meta,
            "conditions": [c.to_dict() for c in self.conditions],
            "tasks": [t.to_dict() for t in self.tasks],
            "scores": [self.cells[(t.name, c.name)].to_dict() for t in self.tasks for c in self.conditions],
            "means": [m.to_dict() for m in self.means.values()],
            "differences": [d.to_dict() for d in self.differences],
        }
        if self.latency:
            out["latency"] = [s.to_dict() for s in self.latency.values()]
        if predictions:
            out["predictions"] = [
                {"task": cell.task, "condition": cell.condition, **p.to_dict()}
                for t in self.tasks for c in self.conditions for cell in [self.cells[(t.name, c.name)]]
                for p in cell.predictions
            ]
        return out


# -- the run ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    task: Task
    condition: Condition
    index: int
    prompt: str
    description: str | None  # in the prompt
    adapter: tuple[str, str] | None  # ("text", task text), ("oracle", task name), MULTITASK_KEY or ("given", name)
    shots: tuple[int, ...] = ()


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """`text` up to the first stop sequence (the runtime usually stopped there already)."""
    cut = min((i for s in stop if s and (i := text.find(s)) >= 0), default=len(text))
    return text[:cut]


def shots_for(task: Task, index: int, k: int, limit: int | None, seed: int) -> tuple[int, ...]:
    """The k examples shown with example `index` (icl prompt, t2l+card card): from the examples after the first
    `limit` (those evaluated) when they hold k usable ones, else from all the others; never `index` itself nor an
    example with its input. Seeded by (seed, task, index)."""
    inputs = [ex.input for ex in task.examples]
    rng = random.Random(f"t2l-edge-shots:{seed}:{task.name}:{index}")
    n = len(inputs) if limit is None else min(limit, len(inputs))
    spare = [i for i in range(n, len(inputs)) if inputs[i] != inputs[index]]
    return pick_shots(inputs, index, k, rng, spare if len(spare) >= k else None)


def _check_inputs(tasks, conditions, make_adapters, encode, oracle, limit, multitask, shots, given) -> None:
    if not tasks:
        raise InvalidInputError("no tasks to evaluate")
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        raise InvalidInputError("task names must be unique")
    if not conditions:
        raise InvalidInputError("no conditions to evaluate")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise InvalidInputError(f"limit must be a positive integer, got {limit!r}")
    needs_generator = [c.name for c in conditions if c.needs_generator]
    if needs_generator and make_adapters is None:
        raise InvalidInputError(f"condition {needs_generator[0]!r} needs adapters: give a generator (bundle or checkpoint)")
    if any(c.adapter is not AdapterSource.NONE for c in conditions) and encode is None:
        raise InvalidInputError("conditions with adapters need `encode` (adapter -> the bytes the runtime loads)")
    missing = [c.name for c in conditions if c.adapter is AdapterSource.GIVEN and c.name not in given]
    if missing:
        raise InvalidInputError(f"condition {missing[0]!r} names an adapter that was not given")
    if any(c.adapter is AdapterSource.MULTITASK for c in conditions) and multitask is None:
        raise InvalidInputError("condition 'multitask' needs the multitask LoRA (train-lora --multitask; --multitask)")
    if any(c.needs_shots for c in conditions) and (not isinstance(shots, int) or isinstance(shots, bool) or shots < 1):
        raise InvalidInputError(f"conditions with examples (icl, t2l+card) need shots ≥ 1, got {shots!r}")
    if any(c.adapter is AdapterSource.ORACLE for c in conditions):
        if not oracle:
            raise InvalidInputError("condition 'oracle' needs oracle LoRAs (--oracle-dir)")
        unknown = sorted(set(oracle) - set(names))
        if unknown:
            raise InvalidInputError(f"oracle LoRA for unknown task {unknown[0]!r}")


def _plan(tasks: Sequence[Task], conditions: Sequence[Condition], limit: int | None, fmt: PromptFormat,
          mismatch: Mapping[str, str], oracle: Mapping[str, Any], shots: int,
          seed: int) -> tuple[dict[tuple[str, str], Cell], list[_Job]]:
    by_name = {t.name: t for t in tasks}
    cells, jobs = {}, []
    for task in tasks:
        examples = task.examples[:limit]
        for cond in conditions:
            cell = cells[(task.name, cond.name)] = Cell(task.name, cond.name)
            if cond.adapter is AdapterSource.ORACLE and task.name not in oracle:
                cell.note = "no oracle LoRA for this task"
                continue
            group: list[_Job] = []
            for j, ex in enumerate(examples):
                own = task.descriptions[j % len(task.descriptions)]
                other = by_name[mismatch[task.name]] if cond.adapter is AdapterSource.OTHER else None
                chosen = shots_for(task, j, shots, limit, seed) if cond.needs_shots else ()
                solved = [task.examples[i] for i in chosen]
                adapter = {
                    AdapterSource.NONE: None,
                    AdapterSource.OWN: ("text", own),
                    AdapterSource.OTHER: ("text", other.descriptions[j % len(other.descriptions)]) if other else None,
                    AdapterSource.ORACLE: ("oracle", task.name),
                    AdapterSource.CARD: ("card", TaskCard(own, tuple(solved))),
                    AdapterSource.MULTITASK: MULTITASK_KEY,
                    AdapterSource.GIVEN: ("given", cond.name),
                }[cond.adapter]
                described = own if cond.description_in_prompt else None
                in_prompt = [(e.input, e.output) for e in solved] if cond.shots_in_prompt else ()
                group.append(_Job(task, cond, j, fmt.prompt(ex.input, described, in_prompt), described, adapter,
                                  chosen))
            first_seen = {a: i for i, a in reversed(list(enumerate(j.adapter for j in group)))}
            jobs.extend(sorted(group, key=lambda job: first_seen[job.adapter]))  # one adapter's prompts together
    return cells, jobs


def _encode_all(jobs: Sequence[_Job], make_adapters: MakeAdapters | None, encode: Encode | None,
                oracle: Mapping[str, LoraAdapter], trained: dict[tuple[str, str], bytes]) -> dict[tuple[str, str], bytes]:
    wanted = list(dict.fromkeys(j.adapter for j in jobs if j.adapter is not None))
    generated = [(kind, item) for kind, item in wanted if kind in ("text", "card")]  # a text, or a TaskCard
    blobs: dict[tuple[str, str], bytes] = {}
    for start in range(0, len(generated), GENERATION_CHUNK):
        chunk = generated[start : start + GENERATION_CHUNK]
        adapters = make_adapters([item for _, item in chunk])
        if len(adapters) != len(chunk):
            raise InvalidInputError(f"make_adapters returned {len(adapters)} adapters for {len(chunk)} texts")
        for key, adapter in zip(chunk, adapters):
            blobs[key] = _bytes(encode(adapter))
    for kind, name in wanted:
        if kind == "oracle":
            blobs[(kind, name)] = _bytes(encode(oracle[name]))
    blobs.update(trained)  # the multitask LoRA, encoded once for the whole run
    return blobs


def _bytes(blob) -> bytes:
    if not isinstance(blob, (bytes, bytearray)):
        raise InvalidInputError(f"encode must return bytes, got {type(blob).__name__}")
    return bytes(blob)


def _cell_interval(scores: np.ndarray, rng: np.random.Generator, resamples: int) -> Interval:
    mean = float(scores.mean())
    if np.isin(scores, (0.0, 1.0)).all():
        return Interval(mean, *wilson_interval(float(scores.sum()), len(scores)), WILSON)
    (boot,) = resampled_means([scores], resamples, rng)
    return Interval(mean, *percentile_interval(boot), BOOTSTRAP)


def _statistics(tasks: Sequence[Task], conditions: Sequence[Condition], cells: dict[tuple[str, str], Cell],
                seed: int, resamples: int) -> tuple[dict[str, Mean], list[Difference]]:
    rng = np.random.default_rng(seed)
    boot: dict[tuple[str, str], np.ndarray] = {}  # (task, condition) -> bootstrap accuracies (resamples,)
    for task in tasks:
        scored = [c for c in conditions if cells[(task.name, c.name)].n]
        vectors = [cells[(task.name, c.name)].scores for c in scored]
        for c, s in zip(scored, vectors):
            cells[(task.name, c.name)].accuracy = _cell_interval(s, rng, resamples)
        if vectors:
            for c, b in zip(scored, resampled_means(vectors, resamples, rng)):
                boot[(task.name, c.name)] = b

    def tasks_of(cond: str) -> list[str]:
        return [t.name for t in tasks if (t.name, cond) in boot]

    def acc(task: str, cond: str) -> float:
        return cells[(task, cond)].accuracy.value

    means = {}
    for c in conditions:
        names = tasks_of(c.name)
        if names:
            value = float(np.mean([acc(t, c.name) for t in names]))
            samples = np.mean([boot[(t, c.name)] for t in names], axis=0)
            means[c.name] = Mean(c.name, len(names), Interval(value, *percentile_interval(samples), MEAN_METHOD))
    differences = []
    for a, b in DIFFERENCES:
        common = [t for t in tasks_of(a) if (t, b) in boot]
        if not common:
            continue
        mean_a = float(np.mean([acc(t, a) for t in common]))
        mean_b = float(np.mean([acc(t, b) for t in common]))
        samples = np.mean([boot[(t, a)] - boot[(t, b)] for t in common], axis=0)
        estimate = Interval(mean_a - mean_b, *percentile_interval(samples), MEAN_METHOD)
        differences.append(Difference(a, b, len(common), mean_a, mean_b, estimate))
    return means, differences


def evaluate(
    tasks: Sequence[Task],
    conditions: Sequence[Condition],
    make_adapters: MakeAdapters | None,
    complete: Complete,
    encode: Encode | None,
    *,
    limit: int | None = None,
    oracle: Mapping[str, LoraAdapter] | None = None,
    multitask: LoraAdapter | None = None,
    shots: int = DEFAULT_SHOTS,
    prompt_format: PromptFormat | str | None = None,
    seed: int = 0,
    resamples: int = BOOTSTRAP_RESAMPLES,
    meta: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    given: Mapping[str, LoraAdapter | bytes] | None = None,
    timing: LastTiming | None = None,
) -> Results:
    """Score every task under every condition (first `limit` examples of each task). See the module docstring for
    the callables, the descriptions and examples used and the statistics. `multitask`: the adapter of condition
    multitask; `shots`: k of icl and t2l+card. `meta` (generator, base model, recipe …) is recorded in the results
    as given. `given`: adapters by name for conditions of `AdapterSource.GIVEN` (bytes are what the runtime loads, as
    they are). `timing`: called after each completion for its model time; the results then hold response times per
    condition."""
    oracle = dict(oracle or {})
    given = dict(given or {})
    conditions = list(conditions)
    _check_inputs(tasks, conditions, make_adapters, encode, oracle, limit, multitask, shots, given)
    fmt = prompt_format if isinstance(prompt_format, PromptFormat) else get_prompt_format(prompt_format or DEFAULT_PROMPT_FORMAT)
    mismatch = {}
    if any(c.adapter is AdapterSource.OTHER for c in conditions):
        mismatch = derangement([t.name for t in tasks], [t.descriptions for t in tasks], seed)
    cells, jobs = _plan(tasks, conditions, limit, fmt, mismatch, oracle, shots, seed)
    trained = {}
    if any(c.adapter is AdapterSource.MULTITASK for c in conditions):
        trained[MULTITASK_KEY] = _bytes(encode(multitask))
    for c in conditions:  # adapters given by name: encoded once for the whole run (bytes used as they are)
        if c.adapter is AdapterSource.GIVEN:
            item = given[c.name]
            trained[("given", c.name)] = bytes(item) if isinstance(item, (bytes, bytearray)) else _bytes(encode(item))
    max_tokens = {t.name: max_tokens_for(t) for t in tasks}
    done = 0
    for task in tasks:  # one task at a time: only its adapters are held (encoded) at once
        task_jobs = [j for j in jobs if j.task is task]
        blobs = _encode_all(task_jobs, make_adapters, encode, oracle, trained)
        for job in task_jobs:
            ex = task.examples[job.index]
            blob = blobs[job.adapter] if job.adapter is not None else None
            text = cut_at_stop(complete(job.prompt, blob, max_tokens[task.name]), fmt.stop)
            took = timing() if timing is not None else None
            kind, source = job.adapter if job.adapter is not None else (None, None)
            adapter_from = (source if kind in ("text", "given") else source.text if kind == "card" else kind)
            cells[(task.name, job.condition.name)].predictions.append(
                Prediction(job.index, text, ex.output, score_example(task, ex, text), job.description, adapter_from,
                           job.shots, took)
            )
            done += 1
            if progress is not None:
                progress(done, len(jobs))
    for cell in cells.values():
        cell.predictions.sort(key=lambda p: p.index)
    means, differences = _statistics(tasks, conditions, cells, seed, resamples)
    infos = [
        TaskInfo(t.name, len(t.examples[:limit]), len(t.examples), len(t.descriptions), metric_name(t),
                 max_tokens[t.name], mismatch.get(t.name))
        for t in tasks
    ]
    run = {
        "conditions": [c.name for c in conditions],
        "limit": limit,
        "seed": seed,
        "shots": shots if any(c.needs_shots for c in conditions) else None,
        "prompt_format": fmt.name,
        "ci_level": CI_LEVEL,
        "ci_per_task": f"{WILSON} score interval (0/1 scores), else percentile bootstrap",
        "ci_means": f"{MEAN_METHOD}, {resamples} resamples, seed {seed}",
    }
    latency = {}
    if timing is not None:
        for c in conditions:
            summary = summarize(c.name, [p.timing for t in tasks for p in cells[(t.name, c.name)].predictions])
            if summary is not None:
                latency[c.name] = summary
    return Results(conditions, infos, cells, means, differences, {**dict(meta or {}), **run}, latency)
