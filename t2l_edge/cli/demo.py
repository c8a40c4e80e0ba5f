"""`make demo`: the shipped hypernetwork on the real Gemma 3 270M through llama.cpp, with nothing to answer.

Runs on the device install (`pip install '.[llama]'`: no PyTorch, transformers or onnx); assembles (once; later
runs reuse it) the int8 CPU bundle of the shipped checkpoint from the package's device kit, generates a q4_0 adapter for each
of four tasks worded as in no training example (held-out descriptions, held-out inputs), and shows the base model
told the task beside the adapted model (prompted as its adapters record: with the task too when instructed); then
what `validate` says of the deployment, and the timings.
The tasks show the path; `t2l-edge evaluate` (see the model card) is the measurement.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..gguf_reader import read_gguf
from ..models import default_base_model
from ..prompts import PromptMode, adapter_prompt, effective_prompt_mode, get_prompt_format
from ..runtimes import open_generator
from ..runtimes.llama_cpp import LlamaCppRunner
from ..tasks.metrics import score
from ..tasks.splits import Split, instances, split_descriptions
from ..tasks.suite import FAMILIES

DEMO_PROFILE = "raspberry-pi-5-4gb"
DEMO_CONTEXT = 2048
# a label, a fact, a format and a word: hand-written families, so the device install (no [train] data packages) runs it
DEMO_FAMILIES = ("sentiment", "capital_of_country", "words_to_snake", "past_tense")
INPUTS_PER_TASK = 4
RECIPE = "q4_0"


def main() -> None:
    console = Console()
    t0 = time.perf_counter()
    console.rule("t2l-edge demo: task text -> LoRA adapter -> Gemma 3 270M on llama.cpp")
    with console.status("the shipped hypernetwork's int8 CPU bundle") as status:
        t = time.perf_counter()
        generator = open_generator(progress=status.update)
        bundle_path = generator.bundle.path
    console.print(f"bundle: {bundle_path} ({generator.bundle.size() / 2**20:.1f} MiB, generator "
                  f"{generator.manifest.generator}), ready in {time.perf_counter() - t:.1f} s")
    base_path = default_base_model()
    t = time.perf_counter()
    runner = LlamaCppRunner(base_path, n_ctx=512, n_threads=2)
    console.print(f"base: {base_path.name} ({base_path.stat().st_size / 2**20:.0f} MiB), loaded in "
                  f"{time.perf_counter() - t:.1f} s")
    fmt = get_prompt_format(generator.manifest.prompt_format)
    mode = effective_prompt_mode(None, generator.manifest.prompt_mode)  # the prompt its adapters were made for
    adapted_column = ("adapted (the task in the prompt too)" if mode is PromptMode.INSTRUCTED
                      else "adapted (no task in the prompt)")

    timings, adapter_bytes = [], b""
    with runner:
        for name in DEMO_FAMILIES:
            family = FAMILIES[name]
            description = split_descriptions(family, Split.HELDOUT_DESCRIPTIONS)[0]
            t = time.perf_counter()
            adapter_bytes = generator.generate_gguf(description, RECIPE)  # text -> GGUF bytes (the bundle's GGUF graph)
            generate_ms = (time.perf_counter() - t) * 1e3
            t = time.perf_counter()
            handle = runner.load_adapter(adapter_bytes, name=name)
            swap_ms = (time.perf_counter() - t) * 1e3
            timings.append((generate_ms, swap_ms))

            table = Table("input", "expected", "base, told the task", adapted_column,
                          title=f"{description!r}", show_lines=True)
            right = {"base": 0, "adapted": 0}
            for example in instances(family, Split.HELDOUT_DESCRIPTIONS, INPUTS_PER_TASK, seed=1):
                runner.set_adapters([])
                base = runner.generate(fmt.prompt(example.input, description), max_tokens=24, stop=fmt.stop).strip()
                runner.set_adapters([handle])
                adapted = runner.generate(adapter_prompt(fmt, example.input, description, mode), max_tokens=24,
                                          stop=fmt.stop).strip()
                marks = {}
                for key, answer in (("base", base), ("adapted", adapted)):
                    ok = score(family.metric, answer, example.output, family.choices) == 1.0
                    right[key] += ok
                    marks[key] = f"{escape(answer)} {'[green]✓[/]' if ok else '[red]✗[/]'}"  # the model's text is not markup
                table.add_row(example.input, example.output, marks["base"], marks["adapted"])
            for column in table.columns:  # answers are what the demo shows: folded at 80 columns, never cut
                column.overflow = "fold"
            console.print(table)
            console.print(f"adapter generated in {generate_ms:.0f} ms, {RECIPE} GGUF {len(adapter_bytes) / 2**20:.2f} "
                          f"MiB, hot-swapped in {swap_ms:.0f} ms · right: base {right['base']}/{INPUTS_PER_TASK}, "
                          f"adapted {right['adapted']}/{INPUTS_PER_TASK}\n")
    _validate(console, runner.base, read_gguf(adapter_bytes, name=f"the {RECIPE} adapter"))
    mean_generate = sum(g for g, _ in timings) / len(timings)
    mean_swap = sum(s for _, s in timings) / len(timings)
    console.print(f"timings: adapter generation {mean_generate:.0f} ms (mean of {len(timings)}, tokenizer, encoder, hypernetwork "
                  f"and GGUF graph in ONNX Runtime), hot swap {mean_swap:.0f} ms; demo finished in {time.perf_counter() - t0:.1f} s")


def _validate(console: Console, base, adapter) -> None:
    """What `t2l-edge validate` says of this deployment on a default device profile."""
    from ..device_profiles import load_profile
    from ..memory import AdapterTerm, BaseModelInfo, LlamaSettings, MemoryRequest, estimate

    profile = load_profile(DEMO_PROFILE)
    request = MemoryRequest(profile, LlamaSettings(DEMO_CONTEXT), BaseModelInfo.from_gguf(base),
                            (AdapterTerm.from_gguf(adapter),))
    use = estimate(request).binding
    console.print(f"validate on {profile.name} at context {DEMO_CONTEXT}: {use.used / 2**20:.0f} MiB of "
                  f"{use.budget / 2**20:.0f} MiB budget ({use.ratio:.0%}) — {use.verdict.value}  "
                  f"(t2l-edge validate --device-profile {DEMO_PROFILE} --context {DEMO_CONTEXT} for the table)")


if __name__ == "__main__":
    main()
