"""`TrainConfig`: one TOML (or YAML) file describes a training run. Torch-free (config / modules / model split).

    [base]        model = "path.gguf" | "hf-folder"           (default: Gemma 3 270M Q4_K_M)
    [encoder]     path, cache, max_length, train_layers, lr    (default: all-MiniLM-L6-v2, frozen)
    [hypernet]    variant, latent_size, head_width, n_blocks, dropout, rank, alpha, scale_rule, modules, prompt_format,
                  prompt_mode (the mode its adapters record: instructed | bare)
    [data]        split | tasks (SFT), library (reconstruction), families, n_instances, seed, tasks_per_step,
                  batch_size (global), max_length, card_examples (k of each sample's task card: [0, 1, 2, 3]),
                  card_no_description, instructed (chance of a sample's prompt carrying its description),
                  sni_descriptions (a checkout of the T2L reference: its descriptions of the SNI rows join training)
    [optim]       lr, warmup, schedule, min_lr_ratio, clip, weight_decay, betas, eps, l2, steps
    [eval]        every, n, split | tasks | library, holdout
    [checkpoint]  every, keep
    [run]         seed, output, threads, device, init, compile (torch.compile the base model's decoder)

Every section is a dataclass that checks itself; `TrainConfig.load` adds the file and the section to each message:
``train.toml: [optim] field 'lr': must be a positive number, got -1``. Relative paths are relative to the file.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from pathlib import Path
from typing import Any

from ..adapter import ScaleRule
from ..choices import Choice, choice_error, parse_choice
from ..errors import InvalidInputError
from ..model.config import HypernetConfig, Variant
from ..prompts import DEFAULT_PROMPT_FORMAT, LEGACY_PROMPT_MODE, PromptMode
from ..targets import ModuleKind, ModuleShape, TargetSpec, parse_module_kinds


class Objective(Choice):
    """What a hypernetwork is trained to do (`train --mode`)."""

    SFT = "sft"  # end-to-end through the frozen base: CE on answer tokens
    RECONSTRUCTION = "reconstruction"  # L1 to a library of LoRAs (z-scored A and B)


Mode = Objective  # its name before `memory.Mode` (concurrent / sequential) became the one Mode; kept for old imports


class Schedule(Choice):
    """Learning-rate shape after the linear warmup."""

    CONSTANT = "constant"
    LINEAR = "linear"  # linear decay to min_lr_ratio · lr at the last step
    COSINE = "cosine"  # cosine decay to min_lr_ratio · lr at the last step


class Device(Choice):
    AUTO = "auto"  # CUDA (the rank's LOCAL_RANK GPU) when available, else CPU
    CPU = "cpu"
    CUDA = "cuda"


# -- value checks: each raises "field 'name': <reason>" ------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _int(value: Any, name: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer ≥ {minimum}"
        raise InvalidInputError(f"field '{name}': must be {what}, got {value!r}")
    return value


def _float(value: Any, name: str, *, positive: bool = False, below: float | None = None, at_most: float | None = None) -> float:
    ok = _is_number(value) and (value > 0 if positive else value >= 0)
    ok = ok and (below is None or value < below) and (at_most is None or value <= at_most)
    if not ok:
        what = "a positive number" if positive else "a number ≥ 0"
        what += f" below {below}" if below is not None else f" at most {at_most}" if at_most is not None else ""
        raise InvalidInputError(f"field '{name}': must be {what}, got {value!r}")
    return float(value)


def _optional_str(value: Any, name: str) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidInputError(f"field '{name}': must be a non-empty string, got {value!r}")
    return value


def _str_list(value: Any, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInputError(f"field '{name}': must be a non-empty list of strings, got {value!r}")
    return list(value)


def _enum(enum: type[Enum], value: Any, name: str):
    if issubclass(enum, Choice):  # one wording: "field 'name' must be one of …, got …"
        return parse_choice(enum, value, f"field '{name}':")
    try:
        return enum(value)
    except ValueError:
        raise choice_error(f"field '{name}':", value, list(enum)) from None


# -- sections -----------------------------------------------------------------------------------------------------


@dataclass
class BaseSection:
    model: str | None = None  # GGUF file or transformers folder; None: the default Gemma 3 270M GGUF

    def __post_init__(self):
        self.model = _optional_str(self.model, "model")


@dataclass
class EncoderSection:
    path: str | None = None  # sentence-transformers folder; None: the packaged all-MiniLM-L6-v2
    cache: str | None = None  # embedding cache file (safetensors), shared between runs
    max_length: int | None = None  # token limit of a description; None: the encoder's own
    train_layers: int = 0  # SFT: fine-tune the encoder's top N transformer layers jointly (0: frozen)
    lr: float = 1e-5  # their learning rate (the hypernetwork's groups follow [optim] lr), same schedule

    def __post_init__(self):
        self.path = _optional_str(self.path, "path")
        self.cache = _optional_str(self.cache, "cache")
        if self.max_length is not None:
            _int(self.max_length, "max_length", 1)
        _int(self.train_layers, "train_layers", 0)
        self.lr = _float(self.lr, "lr", positive=True)


_DUMMY_TARGET = TargetSpec("llama", 1, {ModuleKind.Q: ModuleShape(1, 1)})


@dataclass
class HypernetSection:
    """`HypernetConfig` minus what the base (target shapes) and the encoder (name, dimension) decide."""

    variant: str = Variant.L.value
    latent_size: int = 256
    head_width: int = 256
    n_blocks: int = 2
    dropout: float = 0.0
    rank: int = 8
    alpha: float = 16.0
    scale_rule: str = ScaleRule.STANDARD.value
    modules: list[str] = field(default_factory=lambda: [ModuleKind.Q.value, ModuleKind.V.value])
    prompt_format: str = DEFAULT_PROMPT_FORMAT
    prompt_mode: str = LEGACY_PROMPT_MODE.value  # what its adapters record; [data] instructed must train it
    card_reader: bool = False  # read card features (the base's hidden states over a card's examples) too

    def __post_init__(self):
        names = _str_list(self.modules, "modules")
        try:
            kinds = parse_module_kinds(names)
        except InvalidInputError as e:
            raise InvalidInputError(f"field 'modules': {e}") from None
        if len(set(kinds)) != len(kinds):
            raise InvalidInputError(f"field 'modules': lists a module twice: {names}")
        self.modules = [k.value for k in kinds]
        self.variant = _enum(Variant, self.variant, "variant").value
        self.scale_rule = _enum(ScaleRule, self.scale_rule, "scale_rule").value
        self.hypernet_config(_DUMMY_TARGET, "check", 1)  # HypernetConfig checks the rest, naming the field

    def hypernet_config(self, target: TargetSpec, encoder: str, embedding_dim: int, extra=None,
                        card_features: int = 0) -> HypernetConfig:
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("modules", "card_reader")}
        return HypernetConfig(
            target=target, encoder=encoder, embedding_dim=embedding_dim, extra=dict(extra or {}),
            card_features=card_features, **values
        )


@dataclass(frozen=True)
class CardMix:
    """How training samples' task cards are drawn: k (examples on the card) uniformly from `k` (repeat a value to
    weigh it), and with probability `no_description` a card with examples drops its description."""

    k: tuple[int, ...] = (0,)
    no_description: float = 0.0

    def __post_init__(self):
        if not self.k or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in self.k):
            raise InvalidInputError(f"card k values must be integers ≥ 0, got {self.k!r}")
        if not 0.0 <= self.no_description <= 1.0:
            raise InvalidInputError(f"no_description must be in [0, 1], got {self.no_description!r}")
        object.__setattr__(self, "k", tuple(self.k))

    @property
    def with_examples(self) -> bool:
        return any(self.k)


@dataclass
class DataSection:
    split: str | None = None  # SFT on the built-in suite: a split name (train)
    tasks: list[str] | None = None  # SFT on task files or folders (ours or Super-NaturalInstructions)
    library: str | None = None  # reconstruction: a folder of LoRAs (PEFT dirs, GGUF or safetensors adapters)
    families: list[str] | None = None  # only these suite families
    n_instances: int = 32  # instances per suite family
    seed: int = 0  # the suite's instance generators
    tasks_per_step: int = 4  # distinct tasks mixed in one global batch
    batch_size: int = 8  # global batch (all ranks together)
    max_length: int = 128  # prompt + answer tokens
    card_examples: list[int] = field(default_factory=lambda: [0, 1, 2, 3])  # k per SFT sample's task card, uniform
    card_no_description: float = 0.1  # chance that a card with examples drops its description (examples alone)
    instructed: float = 0.0  # chance that a sample's prompt carries its card's description (PromptMode.INSTRUCTED)
    sni_descriptions: str | None = None  # a checkout of SakanaAI/text-to-lora: its tasks/lol_*/metadata.yaml
    # Cards with examples from a pool computed once (train/card_pool.py): the file (built when missing), its size,
    # and the share of samples that take one of their task's pool cards instead of a description alone.
    card_pool: str | None = None
    card_pool_cards: int = 8  # cards per training task
    card_pool_queries: int = 4  # teacher-answered queries per card
    card_pool_k: list[int] = field(default_factory=lambda: [1, 2, 3])  # examples per pool card
    card_share: float = 0.0

    def __post_init__(self):
        from ..tasks.splits import parse_split
        from ..tasks.suite import FAMILIES

        self.split = _optional_str(self.split, "split")
        self.tasks = _str_list(self.tasks, "tasks")
        self.library = _optional_str(self.library, "library")
        self.families = _str_list(self.families, "families")
        if self.split is not None and self.tasks is not None:
            raise InvalidInputError("fields 'split' and 'tasks': give one source of tasks, not both")
        if self.split is not None:
            try:
                parse_split(self.split)
            except InvalidInputError as e:
                raise InvalidInputError(f"field 'split': {e}") from None
        if self.families is not None:
            if self.split is None:
                raise InvalidInputError("field 'families': only with 'split' (a subset of the built-in suite)")
            unknown = [f for f in self.families if f not in FAMILIES]
            if unknown:
                raise InvalidInputError(f"field 'families': unknown families {unknown} (see `t2l-edge tasks list`)")
        _int(self.n_instances, "n_instances", 1)
        _int(self.seed, "seed", 0)
        _int(self.tasks_per_step, "tasks_per_step", 1)
        _int(self.batch_size, "batch_size", 1)
        _int(self.max_length, "max_length", 8)
        if not isinstance(self.card_examples, list) or not self.card_examples:
            raise InvalidInputError(f"field 'card_examples': must be a non-empty list of integers ≥ 0, got {self.card_examples!r}")
        for k in self.card_examples:
            _int(k, "card_examples", 0)
        self.card_no_description = _float(self.card_no_description, "card_no_description", at_most=1.0)
        self.instructed = _float(self.instructed, "instructed", at_most=1.0)
        self.card_pool = _optional_str(self.card_pool, "card_pool")
        _int(self.card_pool_cards, "card_pool_cards", 1)
        _int(self.card_pool_queries, "card_pool_queries", 1)
        if not isinstance(self.card_pool_k, list) or not self.card_pool_k:
            raise InvalidInputError(f"field 'card_pool_k': must be a non-empty list of integers ≥ 1, got {self.card_pool_k!r}")
        for k in self.card_pool_k:
            _int(k, "card_pool_k", 1)
        self.card_share = _float(self.card_share, "card_share", at_most=1.0)
        if self.card_share and self.card_pool is None:
            raise InvalidInputError("field 'card_share': needs 'card_pool' (the file the pool is kept in)")
        self.sni_descriptions = _optional_str(self.sni_descriptions, "sni_descriptions")

    def card_mix(self) -> "CardMix":
        """The `CardMix` of SFT samples' task cards."""
        return CardMix(tuple(self.card_examples), self.card_no_description)


@dataclass
class OptimSection:
    lr: float = 3e-4  # head biases; head weights get lr/100, the trunk lr/10 (HyperNetwork.param_groups)
    warmup: int = 20  # linear warmup steps
    schedule: str = Schedule.COSINE.value
    min_lr_ratio: float = 0.1
    clip: float = 1.0  # global gradient norm; 0 disables
    weight_decay: float = 0.01
    betas: list[float] = field(default_factory=lambda: [0.9, 0.999])
    eps: float = 1e-8
    l2: float = 1e-4  # SFT: weight of the mean squared generated A and B
    distill: float = 0.0  # SFT with a card pool: weight of the in-context teacher's top-k (per answer token)
    steps: int = 1000

    def __post_init__(self):
        _float(self.lr, "lr", positive=True)
        _int(self.warmup, "warmup", 0)
        self.schedule = _enum(Schedule, self.schedule, "schedule").value
        _float(self.min_lr_ratio, "min_lr_ratio", at_most=1.0)
        _float(self.clip, "clip")
        _float(self.weight_decay, "weight_decay")
        if not isinstance(self.betas, list) or len(self.betas) != 2 or not all(
            _is_number(b) and 0 <= b < 1 for b in self.betas
        ):
            raise InvalidInputError(f"field 'betas': must be two numbers in [0, 1), got {self.betas!r}")
        self.betas = [float(b) for b in self.betas]
        _float(self.eps, "eps", positive=True)
        _float(self.l2, "l2")
        self.distill = _float(self.distill, "distill")
        _int(self.steps, "steps", 1)
        self.lr, self.min_lr_ratio, self.clip = float(self.lr), float(self.min_lr_ratio), float(self.clip)
        self.weight_decay, self.eps, self.l2 = float(self.weight_decay), float(self.eps), float(self.l2)


@dataclass
class EvalSection:
    every: int = 100  # steps between held-out evaluations; 0: only at the start and the end
    n: int = 64  # held-out samples (SFT) or adapters (reconstruction) per evaluation
    split: str | None = None  # SFT: a suite split (default with [data] split: heldout-descriptions)
    tasks: list[str] | None = None  # SFT: held-out task files
    library: str | None = None  # reconstruction: a folder of held-out LoRAs
    holdout: float = 0.2  # SFT on task files without eval tasks: this fraction of each task's examples

    def __post_init__(self):
        from ..tasks.splits import parse_split

        _int(self.every, "every", 0)
        _int(self.n, "n", 1)
        self.split = _optional_str(self.split, "split")
        self.tasks = _str_list(self.tasks, "tasks")
        self.library = _optional_str(self.library, "library")
        if self.split is not None and self.tasks is not None:
            raise InvalidInputError("fields 'split' and 'tasks': give one source of held-out tasks, not both")
        if self.split is not None:
            try:
                parse_split(self.split)
            except InvalidInputError as e:
                raise InvalidInputError(f"field 'split': {e}") from None
        self.holdout = _float(self.holdout, "holdout", below=1.0)


@dataclass
class CheckpointSection:
    every: int = 200  # steps between checkpoints; 0: only at the end
    keep: int = 2  # most recent checkpoints kept

    def __post_init__(self):
        _int(self.every, "every", 0)
        _int(self.keep, "keep", 1)


@dataclass
class RunSection:
    seed: int = 0  # initialisation, sampling of batches and descriptions, dropout
    output: str | None = None  # run directory (the CLI's --output wins)
    threads: int | None = None  # torch CPU threads per process; None: torch's default
    device: str = Device.AUTO.value
    init: str | None = None  # start from this checkpoint's weights (a fine-tune); new parts start fresh
    compile: bool = False  # SFT: torch.compile the base's decoder, ≈ 1.15× the steps/s on CPU after a 1–3 min first step

    def __post_init__(self):
        _int(self.seed, "seed", 0)
        if not isinstance(self.compile, bool):
            raise InvalidInputError(f"field 'compile': must be true or false, got {self.compile!r}")
        self.output = _optional_str(self.output, "output")
        self.init = _optional_str(self.init, "init")
        if self.threads is not None:
            _int(self.threads, "threads", 1)
        self.device = _enum(Device, self.device, "device").value


SECTIONS: dict[str, type] = {
    "base": BaseSection,
    "encoder": EncoderSection,
    "hypernet": HypernetSection,
    "data": DataSection,
    "optim": OptimSection,
    "eval": EvalSection,
    "checkpoint": CheckpointSection,
    "run": RunSection,
}
# Fields holding paths: resolved against the config file's folder.
PATH_FIELDS = {
    "base": ("model",),
    "encoder": ("path", "cache"),
    "data": ("tasks", "library", "sni_descriptions", "card_pool"),
    "eval": ("tasks", "library"),
    "run": ("output", "init"),
}


@dataclass
class TrainConfig:
    base: BaseSection = field(default_factory=BaseSection)
    encoder: EncoderSection = field(default_factory=EncoderSection)
    hypernet: HypernetSection = field(default_factory=HypernetSection)
    data: DataSection = field(default_factory=DataSection)
    optim: OptimSection = field(default_factory=OptimSection)
    eval: EvalSection = field(default_factory=EvalSection)
    checkpoint: CheckpointSection = field(default_factory=CheckpointSection)
    run: RunSection = field(default_factory=RunSection)
    source: str = "<config>"  # the file it came from, for messages

    @classmethod
    def load(cls, path: str | os.PathLike, mode: Objective | str | None = None) -> "TrainConfig":
        from ..config_files import read_config_file

        path = Path(path)
        data = read_config_file(path)  # TOML, or YAML for .yaml / .yml
        return cls.from_dict(data, source=str(path), root=path.resolve().parent, mode=mode)

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], source: str = "<config>", root: str | os.PathLike | None = None,
        mode: Objective | str | None = None,
    ) -> "TrainConfig":
        unknown = [k for k in data if k not in SECTIONS]
        if unknown:
            raise InvalidInputError(f"{source}: unknown section [{unknown[0]}] (known: {', '.join(SECTIONS)})")
        sections = {}
        for name, kind in SECTIONS.items():
            raw = data.get(name, {})
            if not isinstance(raw, dict):
                raise InvalidInputError(f"{source}: [{name}] must be a table, got {type(raw).__name__}")
            known = [f.name for f in fields(kind)]
            for key in raw:
                if key not in known:
                    raise InvalidInputError(
                        f"{source}: [{name}] unknown field '{key}' (known: {', '.join(known)})"
                    )
            raw = dict(raw)
            if root is not None:
                for key in PATH_FIELDS.get(name, ()):
                    if key in raw:
                        raw[key] = _resolve(raw[key], Path(root))
            try:
                sections[name] = kind(**raw)
            except InvalidInputError as e:
                raise InvalidInputError(f"{source}: [{name}] {e}") from None
        config = cls(**sections, source=source)
        config._check_prompt_mode()
        if mode is not None:
            config.check_mode(mode)
        return config

    def _check_prompt_mode(self) -> None:
        """The mode the adapters record must be one the hypernetwork is trained in."""
        mode, share = PromptMode(self.hypernet.prompt_mode), self.data.instructed
        if (mode is PromptMode.INSTRUCTED and share == 0) or (mode is PromptMode.BARE and share == 1):
            raise InvalidInputError(
                f"{self.source}: [hypernet] prompt_mode = '{mode.value}' but [data] instructed = {share:g} never "
                f"trains that mode"
            )

    def check_mode(self, mode: Objective | str) -> Objective:
        """The fields a mode needs are there."""
        mode = _enum(Objective, mode, "mode")
        if mode is Objective.SFT and self.data.split is None and self.data.tasks is None:
            raise InvalidInputError(
                f"{self.source}: [data] field 'split' or 'tasks': one is required for --mode sft (missing)"
            )
        if mode is not Objective.SFT and self.encoder.train_layers:
            raise InvalidInputError(f"{self.source}: [encoder] field 'train_layers': fine-tuning the encoder is for sft")
        if mode is Objective.RECONSTRUCTION and self.data.library is None:
            raise InvalidInputError(
                f"{self.source}: [data] field 'library': required for --mode reconstruction (missing)"
            )
        if mode is Objective.RECONSTRUCTION and (self.eval.split is not None or self.eval.tasks is not None):
            raise InvalidInputError(
                f"{self.source}: [eval] fields 'split' / 'tasks' are for sft; reconstruction evaluates on 'library'"
            )
        return mode

    def to_dict(self) -> dict[str, Any]:
        return {name: asdict(getattr(self, name)) for name in SECTIONS}


def _resolve(value: Any, root: Path) -> Any:
    """Paths relative to the config file's folder; other values left for the section to refuse."""
    if isinstance(value, str) and value.strip():
        return str(root / Path(value).expanduser()) if not Path(value).expanduser().is_absolute() else value
    if isinstance(value, list):
        return [_resolve(v, root) for v in value]
    return value
