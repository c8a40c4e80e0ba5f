"""`t2l-edge profiles list|show` and `t2l-edge validate --device-profile`: wiring only.

The estimate lives in `t2l_edge.memory`, the profiles in `t2l_edge.device_profiles`, the measurement in
`t2l_edge.runtimes.measure`; they are imported inside the commands so that `t2l-edge --help` stays light.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from ..errors import InvalidInputError
from ..limits import MAX_CONTEXT
from ..memory import CacheType, ComponentKey, Mode
from .console import console, keep_whole, table
from .options import DEFAULT_CONTEXT, BaseModel, Context, JsonFlag, flag

profiles_app = typer.Typer(help="Device memory profiles (shipped ones, or your own TOML file).", no_args_is_help=True)

VERDICT_STYLE = {"fits": "green", "tight": "yellow", "does not fit": "red"}


@profiles_app.command("list")
def list_profiles(json_output: JsonFlag = False):
    """List the shipped device profiles."""
    from ..device_profiles import format_size, load_shipped_profiles

    profiles = load_shipped_profiles()
    if json_output:
        print(json.dumps([p.to_dict() for p in profiles], indent=2))
        return
    # threads and the rest: `profiles show NAME` or --json (seven columns do not fit 80 with names kept whole)
    t = table("name", "memory", "app budget", "GPU", "llama.cpp", "runtimes", identifiers=(0, 1, 2, 4, 5),
              title="device profiles" if console.is_terminal else None)  # piped: the records alone
    for p in profiles:
        gpu = "—" if not p.gpu_memory else f"{format_size(p.gpu_memory)} {'shared' if p.gpu_shared else 'own'}"
        t.add_row(p.name, format_size(p.total_memory), format_size(p.app_budget), gpu, p.llama_cpp_backend.value, "\n".join(r.value for r in p.runtimes))
    console.print(keep_whole(t))


@profiles_app.command("show", short_help="One profile's fields and where its budget comes from.")
def show_profile(
    name: Annotated[str, typer.Argument(help="A shipped profile's name or the path of a TOML file.")],
    json_output: JsonFlag = False,
):
    """Show one profile, with the reasoning behind its budget for shipped ones."""
    from ..device_profiles import format_size, load_profile, profile_comments

    p = load_profile(name)
    if json_output:
        print(json.dumps(p.to_dict(), indent=2))
        return
    table = Table("field", "value", title=f"{p.name} — {p.description}", show_header=False)
    for key, value in p.to_dict().items():
        if key in ("name", "description"):
            continue
        if key in ("total_memory", "app_budget", "gpu_memory", "gpu_budget", "process_baseline") and value is not None:
            value = f"{format_size(value)} ({value:,} bytes)"
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        table.add_row(key, str(value))
    console.print(table)
    comments = profile_comments(name)
    if comments:
        console.print("\n".join(comments), markup=False, highlight=False)


def validate(
    device_profile: Annotated[
        str,
        typer.Option("--device-profile", "-d", metavar="NAME|FILE", help="A shipped profile's name (see `profiles list`) or a TOML file."),
    ],
    base_model: BaseModel = None,
    bundle: Annotated[Optional[Path], typer.Option("--bundle", help="A generator bundle directory (build-engine's).")] = None,
    adapter: Annotated[
        Optional[list[Path]],
        typer.Option("--adapter", "-a", metavar="PATH", help="An adapter kept resident (repeatable)."),
    ] = None,
    context: Context = DEFAULT_CONTEXT,
    max_memory: Annotated[
        Optional[str],
        typer.Option(
            "--max-memory",
            metavar="SIZE",
            help="Budget instead of the profile's (of GPU memory when the LLM runs on a discrete GPU): 2GB, 512MiB.",
        ),
    ] = None,
    mode: Annotated[
        Mode, typer.Option("--loading", case_sensitive=False,
                           help="concurrent: generator and LLM resident together; sequential: generator unloaded first.")
    ] = Mode.CONCURRENT,
    cache_type: Annotated[
        CacheType,
        typer.Option("--cache-type", case_sensitive=False, help="KV cache type (quantized turns flash attention on)."),
    ] = CacheType.F16,
    bundle_batch: Annotated[int, typer.Option("--bundle-batch", min=1, help="Task descriptions the generator embeds at once.")] = 1,
    measure: Annotated[
        bool, flag("--measure", help="Also run the pipeline in a child process and compare peak RSS.")
    ] = False,
    json_output: JsonFlag = False,
):
    """Check that the base model, adapters and generator fit a device's memory; exit 1 when they do not."""
    from ..device_profiles import SIZE_UNITS, load_profile, parse_size
    from ..memory import BaseModelInfo, BundleTerm, LlamaSettings, MemoryRequest, estimate, suggestions
    from ..models import resolve_base_model

    profile = load_profile(device_profile)
    if max_memory is not None and max_memory.strip().replace(".", "", 1).isdigit():  # "2": 2 bytes is never meant
        units = ", ".join(u[0].upper() + u[1:].replace("b", "B") for u in SIZE_UNITS if len(u) > 1)
        raise InvalidInputError(f"--max-memory {max_memory!r} has no unit: write it as 2GB, 512MiB … (units: {units})")
    budget = parse_size(max_memory, "--max-memory") if max_memory is not None else None
    if budget == 0:
        raise InvalidInputError("--max-memory: must be greater than zero")
    base_path = resolve_base_model(base_model)
    from ..gguf_reader import read_gguf

    base_gguf = read_gguf(base_path)
    base = BaseModelInfo.from_gguf(base_gguf)
    adapters = tuple(_adapter_term(p, base_gguf) for p in adapter or [])
    settings = LlamaSettings.for_cache_type(context, cache_type)
    request = MemoryRequest(
        profile=profile,
        settings=settings,
        base=base,
        adapters=adapters,
        bundle=BundleTerm.from_dir(bundle, batch=bundle_batch) if bundle is not None else None,
        mode=mode,
        max_memory=budget,
    )
    est = estimate(request)
    tips = suggestions(est)
    measured = _measure(request, base_path, adapter or []) if measure else None

    if json_output:
        out = est.to_dict()
        out["suggestions"] = [t.to_dict() for t in tips]
        if measured is not None:
            out["measurement"] = measured
        print(json.dumps(out, indent=2))
    else:
        _print_estimate(est, tips)
        if measured is not None:
            _print_measurement(measured)
    if not est.ok:
        raise typer.Exit(1)


def _adapter_term(path: Path, base_gguf):
    """An adapter's resident bytes in llama.cpp, and what it would take under every quantization recipe."""
    from ..compat import check_adapter_fits
    from ..errors import MissingFileError
    from ..export.formats import AdapterFormat, detect_format, load_adapter
    from ..export.gguf import plan, read_gguf_adapter
    from ..export.recipes import Recipe
    from ..gguf_reader import read_gguf, tensor_nbytes
    from ..memory import AdapterTerm
    from ..targets import TargetSpec

    if not Path(path).exists():
        raise MissingFileError(f"{path}: adapter not found")
    if detect_format(path) is AdapterFormat.GGUF:
        header = read_gguf(path)
        check_adapter_fits(header, base_gguf)
        lora = read_gguf_adapter(header)
        term = AdapterTerm.from_gguf(header, name=str(path))
        types = sorted({t.qtype.name for t in header.tensors.values()})
        recipe = "+".join(types)
    else:  # converted to an f16 GGUF before llama.cpp sees it, as `t2l-edge infer` does
        lora = load_adapter(path, target=TargetSpec.from_gguf(base_gguf))
        f16 = sum(tensor_nbytes(t.qtype, t.shape) for t in plan(lora, Recipe.F16))
        term = AdapterTerm(str(path), f16, max_out_features=max(b.shape[0] for _, _, b in lora.items()))
        recipe = "f16 (converted)"
    alternatives = {r.value: sum(tensor_nbytes(t.qtype, t.shape) for t in plan(lora, r)) for r in Recipe}
    return AdapterTerm(term.name, term.nbytes, recipe, term.max_out_features, alternatives)


def _measure(request, base_path: Path, adapters: list[Path]) -> dict:
    """Run the real pipeline on this host and compare with the estimate for this host (same inputs, the host's
    CPU kernels and memory instead of the device profile's)."""
    from dataclasses import replace

    from ..runtimes.measure import host_profile, measure_pipeline
    from ..memory import Phase, Pool, estimate

    s = request.settings
    options = {"cache_type_k": s.cache_type_k.value, "cache_type_v": s.cache_type_v.value,
               "flash_attn": s.flash_attn, "swa_full": s.swa_full}
    with console.status("measuring the pipeline in a child process"):
        m = measure_pipeline(base_path, adapters, context=s.context, llama_options=options)
    host_request = replace(request, profile=host_profile(), bundle=None, max_memory=None,
                           settings=replace(s, prompt_tokens=m.prompt_tokens))
    host = estimate(host_request)
    comps = [c for c in host.components if c.pool is Pool.HOST]
    always = sum(c.nbytes for c in comps if c.phase is Phase.ALWAYS)
    loaded = always + sum(c.nbytes for c in comps if c.phase is Phase.LLM and c.key != ComponentKey.COMPUTE)
    estimated = {"start": sum(c.nbytes for c in comps if c.key in (ComponentKey.PROCESS, ComponentKey.LLAMA_LIBS)),
                 "load": loaded, "peak": host.pool(Pool.HOST).used}
    measured = {"start": m.phase("start").peak_rss, "load": m.phase("load").end_rss, "peak": m.peak_rss}
    rows = [
        {"what": k, "estimated": estimated[k], "measured": measured[k],
         "error": (estimated[k] - measured[k]) / measured[k]}
        for k in ("start", "load", "peak")
    ]
    notes = list(m.notes)
    if request.bundle is not None:
        notes.append("the generator bundle was not measured (no bundle runtime in this version); it is left out of "
                     "both columns")
    return {"host_cpu_kernels": host_request.profile.cpu_kernels.value, "context": m.context,
            "prompt_tokens": m.prompt_tokens, "decode_tokens": m.decode_tokens, "rows": rows,
            "phases": [vars(p) for p in m.phases], "llama_buffers": m.llama_buffers, "notes": notes}


def _print_estimate(est, tips) -> None:
    from ..device_profiles import format_size
    from ..memory import Mode, Pool, phase_totals

    r = est.request
    console.print(
        f"{r.profile.name} — {r.profile.description}\n"
        f"context {r.settings.context} · KV cache {r.settings.cache_type_k.value} · mode {r.mode.value}"
    )
    multi = len(est.pools) > 1
    table = Table("component", *(["pool"] if multi else []), "phase", "size", "detail", title="estimate")
    for c in est.components:
        table.add_row(c.label, *([c.pool.value] if multi else []), c.phase.value, format_size(c.nbytes), c.detail)
    console.print(table)
    for p in est.pools:
        label = "GPU memory" if p.pool is Pool.GPU else ("memory" if not multi else "system memory")
        extra = ""
        if r.mode is Mode.SEQUENTIAL:
            ph = phase_totals(est, p.pool)
            extra = f" (generate phase {format_size(ph['generate'])}, LLM phase {format_size(ph['llm'])})"
        style = VERDICT_STYLE[p.verdict.value]
        console.print(
            Text(f"{label}: {format_size(p.used)} of {format_size(p.budget)} ({p.ratio:.0%}){extra} — ")
            + Text(p.verdict.value, style=f"bold {style}")
        )
    for problem in est.problems:
        console.print(Text("problem:", style="bold red") + Text(f" {problem}"))
    for note in est.notes:
        console.print(f"note: {note}")
    if tips:
        t = Table("suggestion", "saves", "then", title="suggestions")
        for tip in tips:
            t.add_row(tip.text, format_size(tip.saves), tip.verdict.value)
        console.print(t)


def _print_measurement(m: dict) -> None:
    from ..device_profiles import format_size

    table = Table("", "estimated", "measured", "error",
                  title=f"measured on this host ({m['host_cpu_kernels']}): context {m['context']}, "
                        f"prompt {m['prompt_tokens']} + {m['decode_tokens']} tokens")
    for row in m["rows"]:
        table.add_row(row["what"], format_size(row["estimated"]), format_size(row["measured"]), f"{row['error']:+.1%}")
    console.print(table)
    phases = Table("phase", "peak RSS", "seconds", title="measured phases")
    for p in m["phases"]:
        phases.add_row(p["name"], format_size(p["peak_rss"]), f"{p['seconds']:.2f}")
    console.print(phases)
    for note in m["notes"]:
        console.print(f"note: {note}")
