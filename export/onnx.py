"""`build-engine`: a hypernetwork checkpoint and its text encoder -> a generator bundle (ONNX, ORT format, TensorRT).

Each graph is declared once in a `GraphSpec` (input/output names, dynamic axes, opset, the inputs it is exported and
validated on, its tolerance per precision). After export, every graph is run in ONNX Runtime on those inputs and
compared with the PyTorch module it came from; all mismatches are reported together.

Precisions: fp32; int8 = ONNX Runtime dynamic quantization with per-channel weight scales (the per-tensor default
loses too much: FACTS.md); fp16 = weights and compute in float16 with float32 inputs and outputs (CUDA, TensorRT).
The mobile target converts the graphs to ORT format and writes the operator list a reduced ONNX Runtime build needs.

Imports torch: only the CLI command and tests load this module.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from t2l_edge import __version__
from t2l_edge.bundle import (
    Bundle,
    EncoderInfo,
    EngineTarget,
    GGUFInfo,
    GraphInfo,
    Manifest,
    Precision,
    check_precision,
    describe_files,
    output_names,
)
from t2l_edge.errors import CorruptFileError, InvalidInputError, MissingFileError, T2LEdgeError
from t2l_edge.io import atomic_dir, check_output_dir, temp_dir_beside
from t2l_edge.keys import BundleExtra, BundleFiles, BundleGraph
from t2l_edge.io import read_json
from t2l_edge.models import default_bundle_dir, default_bundles_glob, default_checkpoint, default_kit_dir

OPSET = 17
DEFAULT_GGUF_RECIPE = "q4_0"  # what new bundles' GGUF graph writes (the CLI's default adapter recipe)
_ORT_FILES = {BundleGraph.ENCODER: BundleFiles.ENCODER_ORT, BundleGraph.HYPERNET: BundleFiles.HYPERNET_ORT,
              BundleGraph.GGUF: BundleFiles.GGUF_ORT}
MAX_SEQUENCE = 256  # the encoder's truncation; also TensorRT's profile maximum

# Texts the graphs are validated on: one short, a batch of mixed lengths (padding), one truncated at max length.
VALIDATION_TEXTS = (
    ("Reverse the order of the words.",),
    ("Translate English to French.", "Sum", "Classify the sentiment of a movie review as positive or negative."),
    ("Write the answer in uppercase letters only. " * 40,),
)


class ExportValidationError(T2LEdgeError, ValueError):
    """An exported graph disagrees with the PyTorch module it came from."""


@dataclass(frozen=True)
class GraphSpec:
    """One exported graph, declared once: what it is called, its tensors, axes, opset, inputs and tolerances."""

    role: str  # BundleGraph.ENCODER / HYPERNET
    file: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    dynamic_axes: Mapping[str, Mapping[int, str]]
    dummy_inputs: Callable[[], tuple]  # what torch.onnx.export traces with
    validation_inputs: Callable[[], list[tuple]]  # what the ONNX graph is checked on, several shapes
    # largest allowed relative error ||onnx - torch|| / ||torch|| per output, per precision
    tolerance: Mapping[Precision, float] = field(
        default_factory=lambda: {Precision.FP32: 1e-5, Precision.FP16: 2e-2, Precision.INT8: 0.25}
    )
    opset: int = OPSET
    # int8: node names (regex, searched) kept in float32. MiniLM's FFN output projections read the GELU output,
    # whose outliers per-tensor activation quantization cannot hold: quantizing them cost 0.005 of embedding cosine.
    int8_keep_fp32: str | None = None


def _torch():
    import torch

    return torch


def encoder_spec(encoder) -> GraphSpec:
    """`TextEncoder` -> graph spec: input_ids, attention_mask (batch, sequence) -> embedding (batch, d)."""
    def batch(texts):
        b = encoder.tokenize(list(texts))
        return (b["input_ids"], b["attention_mask"])

    def validation():
        return [batch(texts) for texts in VALIDATION_TEXTS]

    return GraphSpec(
        role=BundleGraph.ENCODER,
        file=BundleFiles.ENCODER_ONNX,
        inputs=(BundleGraph.INPUT_IDS, BundleGraph.ATTENTION_MASK),
        outputs=(BundleGraph.EMBEDDING,),
        dynamic_axes={
            BundleGraph.INPUT_IDS: {0: "batch", 1: "sequence"},
            BundleGraph.ATTENTION_MASK: {0: "batch", 1: "sequence"},
            BundleGraph.EMBEDDING: {0: "batch"},
        },
        dummy_inputs=lambda: batch(VALIDATION_TEXTS[1]),
        validation_inputs=validation,
        int8_keep_fp32=r"/layer\.\d+/output/dense/MatMul$",
        tolerance={Precision.FP32: 1e-5, Precision.FP16: 2e-2, Precision.INT8: 0.25},
    )


def hypernet_spec(hypernet, encoder) -> GraphSpec:
    """`HyperNetwork` -> graph spec: embedding (batch, d) -> lora_A/lora_B of every module (batch, L, ...)."""
    torch = _torch()
    outputs = tuple(output_names(hypernet.kinds))

    def validation():
        with torch.no_grad():
            return [(encoder.encode(list(texts)),) for texts in VALIDATION_TEXTS]

    return GraphSpec(
        role=BundleGraph.HYPERNET,
        file=BundleFiles.HYPERNET_ONNX,
        inputs=(BundleGraph.EMBEDDING,),
        outputs=outputs,
        dynamic_axes={BundleGraph.EMBEDDING: {0: "batch"}, **{name: {0: "batch"} for name in outputs}},
        dummy_inputs=lambda: (encoder.encode(list(VALIDATION_TEXTS[1])),),
        validation_inputs=validation,
        tolerance={Precision.FP32: 1e-5, Precision.FP16: 2e-2, Precision.INT8: 0.25},
    )


def card_spec(hypernet) -> GraphSpec:
    """A card-reading hypernetwork's `CardNet` -> graph spec: card_features (batch, F) -> embedding_delta (batch, d).
    Small: kept in float32 whatever the bundle's precision."""
    torch = _torch()
    width = hypernet.config.card_features

    def features(batch: int):
        return (torch.randn(batch, width, generator=torch.Generator().manual_seed(batch)) * 3,)

    return GraphSpec(
        role=BundleGraph.CARD,
        file=BundleFiles.CARD_ONNX,
        inputs=(BundleGraph.CARD_FEATURES,),
        outputs=(BundleGraph.EMBEDDING_DELTA,),
        dynamic_axes={BundleGraph.CARD_FEATURES: {0: "batch"}, BundleGraph.EMBEDDING_DELTA: {0: "batch"}},
        dummy_inputs=lambda: features(2),
        validation_inputs=lambda: [features(1), features(3)],
    )


def graph_modules(hypernet, encoder):
    """The two nn.Modules the graphs are exported from (flat tensor inputs and outputs)."""
    torch = _torch()

    class EncoderGraph(torch.nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

        def forward(self, input_ids, attention_mask):  # (B, T), (B, T) -> (B, d)
            return self.module(input_ids, attention_mask)

    class HypernetGraph(torch.nn.Module):
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, embedding):  # (B, d) -> per module A (B, L, r, in), B (B, L, out, r)
            out = self.net(embedding)
            return tuple(t for kind in self.net.kinds for t in out[kind])

    return EncoderGraph(encoder.module).eval(), HypernetGraph(hypernet).eval()


# -- export, convert, validate ------------------------------------------------------------------------------------


def export_graph(module, spec: GraphSpec, path: Path) -> Path:
    """torch.onnx.export with the spec's names, axes and opset. The TorchScript exporter: the dynamo exporter names
    an internal BERT tensor `embedding` too and writes an invalid graph (duplicate definition) for the encoder."""
    import warnings

    torch = _torch()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            spec.dummy_inputs(),
            str(path),
            input_names=list(spec.inputs),
            output_names=list(spec.outputs),
            dynamic_axes={k: dict(v) for k, v in spec.dynamic_axes.items()},
            opset_version=spec.opset,
            dynamo=False,
            do_constant_folding=True,
        )
    return path


def quantize_int8(src: Path, dst: Path, keep_fp32: str | None = None) -> Path:
    """Dynamic int8 quantization, per-channel weight scales (per-tensor loses too much: cosine 0.93 on MiniLM);
    nodes whose name matches `keep_fp32` stay float32."""
    import logging
    import re

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    exclude = []
    if keep_fp32:
        graph = onnx.load(str(src), load_external_data=False).graph
        exclude = [n.name for n in graph.node if re.search(keep_fp32, n.name)]
    logger = logging.getLogger()
    level = logger.level
    logger.setLevel(logging.ERROR)  # the quantizer advises pre-processing on the root logger
    try:
        quantize_dynamic(str(src), str(dst), per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=exclude)
    finally:
        logger.setLevel(level)
    return dst


def convert_fp16(src: Path, dst: Path) -> Path:
    """float16 weights and compute, float32 inputs/outputs (so the runtime feeds the same arrays)."""
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = convert_float_to_float16(onnx.load(str(src)), keep_io_types=True)
    onnx.save(model, str(dst))
    return dst


def optimize_encoder(src: Path, dst: Path, num_heads: int, hidden_size: int) -> Path:
    """ONNX Runtime's transformer fusions (attention, layer norm, GELU) for the BERT encoder."""
    from onnxruntime.transformers.optimizer import optimize_model

    model = optimize_model(str(src), model_type="bert", num_heads=num_heads, hidden_size=hidden_size, opt_level=1)
    model.save_model_to_file(str(dst))
    return dst


def _session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def validate_graph(module, spec: GraphSpec, path: Path, precision: Precision) -> list[str]:
    """Run the graph in ONNX Runtime on every validation input and compare each output with PyTorch.
    Returns every mismatch (empty: the graph agrees)."""
    torch = _torch()
    tol = spec.tolerance[precision]
    session = _session(path)
    names = [o.name for o in session.get_outputs()]
    problems = []
    if tuple(i.name for i in session.get_inputs()) != spec.inputs or tuple(names) != spec.outputs:
        return [f"{spec.file}: inputs/outputs {[i.name for i in session.get_inputs()]} -> {names}, expected "
                f"{list(spec.inputs)} -> {list(spec.outputs)}"]
    for inputs in spec.validation_inputs():
        with torch.no_grad():
            ref = module(*inputs)
        ref = ref if isinstance(ref, tuple) else (ref,)
        got = session.run(None, {n: t.numpy() for n, t in zip(spec.inputs, inputs)})
        shapes = "×".join(map(str, inputs[0].shape))
        for name, r, g in zip(names, ref, got):
            r = r.numpy().astype(np.float64)
            if g.shape != r.shape:
                problems.append(f"{spec.file} {name} on input {shapes}: shape {g.shape}, PyTorch gives {r.shape}")
                continue
            err = float(np.linalg.norm(g - r) / max(np.linalg.norm(r), 1e-12))
            if not np.isfinite(g).all() or err > tol:
                problems.append(f"{spec.file} {name} on input {shapes}: relative error {err:.2e} > {tol:g} ({precision.value})")
    return problems


# -- the bundle ----------------------------------------------------------------------------------------------------


def _wants_optimization(target: EngineTarget, precision: Precision) -> bool:
    """ONNX Runtime's offline transformer fusions for the encoder: off by default, because they do not help here.
    Measured on the 2-core CPU (one 16-token text, 60 interleaved runs): fp32 19.8 ms plain vs 20.1 ms optimized,
    int8 13.1 vs 13.3 ms. The attention of the transformers 5.x export does not match ORT's fusion patterns (0
    Attention nodes after optimization), and the session's own ORT_ENABLE_ALL level already fuses LayerNorm/GELU.
    `--optimize-encoder` still applies them (a later transformers / ORT pairing may fuse)."""
    return False


def default_bundle(progress: Callable[[str], None] | None = None) -> Path:
    """The shipped checkpoint as an int8 CPU bundle in the cache: assembled on first use from the package's device
    kit with numpy alone (export/device_kit.py, about a second), or, where the kit is missing or from other weights,
    built with PyTorch (the [train] extra); then opened from there."""
    from .device_kit import assemble_kit

    path = default_bundle_dir()
    kit = _usable_kit()
    try:
        # checksums too: a damaged cached bundle is rebuilt, not reported; so is one from before the GGUF graph, and
        # one an earlier version of this package built differently from the kit (the cache is named by the weights)
        cached = Bundle.load(path)
        if cached.manifest.gguf is not None and (kit is None or _same_files(cached, kit)):
            return path
    except (MissingFileError, CorruptFileError):
        pass
    if kit is not None:
        assemble_kit(kit, default_checkpoint(), path, progress)
        _remove_stale_bundles(path)
        return path
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        raise MissingFileError(
            f"the default bundle is built from the shipped hypernetwork on first use, which needs {e.name} "
            "(pip install 't2l-edge[train]'); or pass --bundle DIR"
        ) from None
    (progress or (lambda _msg: None))(f"building the default bundle once, into {path}")
    build_bundle(default_checkpoint(), path, EngineTarget.CPU, Precision.INT8, progress=progress)
    _remove_stale_bundles(path)
    return path


def _usable_kit() -> Path | None:
    """The package's device kit, when it was made from the shipped weights."""
    from .device_kit import kit_generator

    kit = default_kit_dir()
    shipped = read_json(default_checkpoint() / "config.json").get("generator_hash")
    return kit if kit_generator(kit) == shipped else None


def _same_files(bundle: Bundle, kit: Path) -> bool:
    from .device_kit import kit_files

    return {n: f.sha256 for n, f in bundle.manifest.files.items()} == {n: f["sha256"] for n, f in kit_files(kit).items()}


def _remove_stale_bundles(path: Path) -> None:
    for stale in path.parent.glob(default_bundles_glob()):  # bundles of earlier shipped weights: never used again
        if stale != path:
            shutil.rmtree(stale, ignore_errors=True)


def write_default_kit(checkpoint: str | os.PathLike | None = None, kit: str | os.PathLike | None = None,
                      progress: Callable[[str], None] | None = None) -> dict:
    """Build the int8 CPU bundle of `checkpoint` (default: the shipped one) with PyTorch and write the device kit
    that rebuilds it without PyTorch (default: the package's). examples/ship_checkpoint.py runs this."""
    from .device_kit import write_kit

    checkpoint = Path(checkpoint) if checkpoint is not None else default_checkpoint()
    kit = Path(kit) if kit is not None else default_kit_dir()
    with tempfile.TemporaryDirectory(prefix=".kit-", dir=kit.parent) as work:
        bundle = Path(work) / "bundle"
        build_bundle(checkpoint, bundle, EngineTarget.CPU, Precision.INT8, progress=progress)
        return write_kit(bundle, checkpoint, kit)


# What a bundle directory holds: rebuilding over one replaces it; anything else in the way is refused.
BUNDLE_PATTERNS = tuple(v for k, v in vars(BundleFiles).items() if not k.startswith("_")) + ("*.engine", "*.ort")


def build_bundle(
    checkpoint: str | os.PathLike | None,
    output: str | os.PathLike,
    target: EngineTarget | str = EngineTarget.CPU,
    precision: Precision | str | None = None,
    encoder: str | os.PathLike | None = None,
    optimize: bool | None = None,
    max_batch: int = 16,
    progress: Callable[[str], None] | None = None,
    gguf_recipe: str = DEFAULT_GGUF_RECIPE,
    force: bool = False,
) -> Bundle:
    """Checkpoint (+ encoder) -> bundle directory, written atomically; returns the loaded, verified bundle.
    Without a checkpoint: the shipped one. `gguf_recipe`: what the bundle's GGUF graph and template write (q4_0,
    q8_0, f16), so that a consumer without Python writes adapters (docs/gguf-template.md). An existing `output` must
    be a bundle (else refused, or with `force` the bundle's files are added beside what is there). Intermediate
    graphs live beside `output` (cleaned at the next build after a kill), not in the system's temp folder."""
    from .gguf import ALIGNMENT, gguf_template
    from .gguf_graph import build_gguf_graph, data_layout
    from .recipes import parse_recipe

    from t2l_edge.model.checkpoint import load_checkpoint
    from t2l_edge.model.config import DEFAULT_ENCODER
    from t2l_edge.model.encoder import FINE_TUNED_INFO, TextEncoder, checkpoint_encoder
    from t2l_edge.runs import resolve_checkpoint

    check_output_dir(output, BUNDLE_PATTERNS, force)  # before minutes of export, not after

    target = EngineTarget(target) if not isinstance(target, EngineTarget) else target
    precision = check_precision(target, precision)
    kit = _usable_kit() if checkpoint is None and encoder is None and not optimize else None
    if kit is not None and (target, precision, gguf_recipe) == (EngineTarget.CPU, Precision.INT8, DEFAULT_GGUF_RECIPE):
        # the shipped checkpoint's int8 CPU bundle: the kit gives the same bytes as the export below, without torch
        from .device_kit import assemble_kit

        assemble_kit(kit, default_checkpoint(), output, progress, BUNDLE_PATTERNS, force)
        return Bundle.load(output)
    say = progress or (lambda _msg: None)
    if target is EngineTarget.TENSORRT:
        from .tensorrt import require_tensorrt

        require_tensorrt()  # fail in one line before minutes of export
    if max_batch < 1:
        raise InvalidInputError(f"max_batch must be positive, got {max_batch}")
    ckpt = resolve_checkpoint(checkpoint if checkpoint is not None else default_checkpoint())
    say(f"loading {ckpt}")
    hypernet = load_checkpoint(ckpt).eval()
    config = hypernet.config
    if encoder is None:  # a checkpoint trained with `[encoder] train_layers` carries its fine-tuned encoder
        encoder = checkpoint_encoder(ckpt)
    if encoder is None and config.encoder != DEFAULT_ENCODER:
        raise InvalidInputError(f"{ckpt}: trained with the encoder {config.encoder!r}; pass its folder with --encoder")
    text_encoder = TextEncoder(encoder)
    if text_encoder.dim != config.embedding_dim:
        raise InvalidInputError(
            f"the encoder gives {text_encoder.dim}-d embeddings, the checkpoint expects {config.embedding_dim}"
        )
    recipe = parse_recipe(gguf_recipe)
    gguf_model = build_gguf_graph(config.target, config.rank, recipe)  # refuses a recipe it cannot write, early
    optimize = _wants_optimization(target, precision) if optimize is None else optimize
    enc_module, hyp_module = graph_modules(hypernet, text_encoder)
    specs = [(enc_module, encoder_spec(text_encoder)), (hyp_module, hypernet_spec(hypernet, text_encoder))]
    card = (hypernet.card_net.eval(), card_spec(hypernet)) if hypernet.card_net is not None else None

    with atomic_dir(output, BUNDLE_PATTERNS, force) as out, temp_dir_beside(output) as work_dir:
        work = Path(work_dir)
        problems: list[str] = []
        graph_files: dict[str, Path] = {}
        for module, spec in specs:
            say(f"exporting {spec.role}")
            path = export_graph(module, spec, work / spec.file)
            problems += validate_graph(module, spec, path, Precision.FP32)
            if optimize and spec.role == BundleGraph.ENCODER:
                t = text_encoder.module.transformer.config
                path = optimize_encoder(path, work / f"opt.{spec.file}", t.num_attention_heads, t.hidden_size)
            if precision is Precision.INT8:
                path = quantize_int8(path, work / f"int8.{spec.file}", spec.int8_keep_fp32)
            elif precision is Precision.FP16:
                path = convert_fp16(path, work / f"fp16.{spec.file}")
            graph_files[spec.role] = path
        if card is not None:  # float32 in every bundle: a few hundred kilobytes, read once per card
            card_path = export_graph(card[0], card[1], work / card[1].file)
            problems += validate_graph(card[0], card[1], card_path, Precision.FP32)
        if problems:
            raise ExportValidationError("exported graphs disagree with PyTorch: " + "; ".join(problems))
        import onnx

        onnx.save(gguf_model, str(work / BundleFiles.GGUF_ONNX))
        graph_files[BundleGraph.GGUF] = work / BundleFiles.GGUF_ONNX
        gguf_io = (tuple(i.name for i in gguf_model.graph.input), tuple(o.name for o in gguf_model.graph.output))

        graphs: dict[str, GraphInfo] = {}
        extra: dict[str, Any] = {BundleExtra.OPTIMIZED_ENCODER: bool(optimize), BundleExtra.CHECKPOINT: str(ckpt)}
        if (text_encoder.path / FINE_TUNED_INFO).is_file():  # which layers were trained, and from what
            extra[BundleExtra.ENCODER_FINE_TUNED] = json.loads((text_encoder.path / FINE_TUNED_INFO).read_text())
        if target is EngineTarget.MOBILE:
            files = _to_ort_format(graph_files, out)
            for module, spec in specs:
                graphs[spec.role] = GraphInfo(_ORT_FILES[spec.role], spec.inputs, spec.outputs)
            graphs[BundleGraph.GGUF] = GraphInfo(_ORT_FILES[BundleGraph.GGUF], *gguf_io)
        else:
            files = []
            for module, spec in specs:
                shutil.copyfile(graph_files[spec.role], out / spec.file)
                graphs[spec.role] = GraphInfo(spec.file, spec.inputs, spec.outputs)
                files.append(spec.file)
            shutil.copyfile(graph_files[BundleGraph.GGUF], out / BundleFiles.GGUF_ONNX)
            graphs[BundleGraph.GGUF] = GraphInfo(BundleFiles.GGUF_ONNX, *gguf_io)
            files.append(BundleFiles.GGUF_ONNX)
        if card is not None:  # the same .onnx file in every target: its few operators are the encoder's too
            from t2l_edge.card_features import CARD_FEATURES

            shutil.copyfile(card_path, out / BundleFiles.CARD_ONNX)
            graphs[BundleGraph.CARD] = GraphInfo(BundleFiles.CARD_ONNX, card[1].inputs, card[1].outputs)
            files.append(BundleFiles.CARD_ONNX)
            extra[BundleExtra.CARD_FEATURES] = {"name": CARD_FEATURES, "width": config.card_features}
        # Check the final graphs (quantized, fp16, ORT format) as the device will run them.
        for module, spec in specs:
            problems += validate_graph(module, spec, out / graphs[spec.role].file, precision)
        if problems:
            raise ExportValidationError(f"{precision.value} graphs disagree with PyTorch: " + "; ".join(problems))
        if target is EngineTarget.TENSORRT:
            from .tensorrt import build_engines

            say("building TensorRT engines")
            engines = build_engines(out, {role: f for role, f in graph_files.items() if role != BundleGraph.GGUF},
                                    precision, max_batch=max_batch, max_sequence=MAX_SEQUENCE)
            extra[BundleExtra.ENGINES] = engines
            files += list(engines.values())

        shutil.copyfile(text_encoder.path / BundleFiles.TOKENIZER, out / BundleFiles.TOKENIZER)
        files.append(BundleFiles.TOKENIZER)
        template, task_offset = gguf_template(config.target, config.rank, config.alpha, config.scale_rule,
                                              hypernet.generator_hash(), recipe, config.prompt_mode)
        (out / BundleFiles.GGUF_TEMPLATE).write_bytes(template)
        files.append(BundleFiles.GGUF_TEMPLATE)
        manifest = Manifest(
            target=config.target,
            rank=config.rank,
            alpha=config.alpha,
            scale_rule=config.scale_rule,
            variant=config.variant.value,
            encoder=EncoderInfo(
                name=text_encoder.name,
                dim=text_encoder.dim,
                max_length=text_encoder.max_length,
                pad_id=text_encoder.pad_id,
                pad_token=_pad_token(text_encoder),
                pooling=text_encoder.spec.pooling.value,
                normalize=text_encoder.spec.normalize,
            ),
            prompt_format=config.prompt_format,
            prompt_mode=config.prompt_mode,
            engine_target=target,
            precision=precision,
            graphs=graphs,
            files=describe_files(out, files),
            generator=hypernet.generator_hash(),
            package_version=__version__,
            extra=extra,
            gguf=GGUFInfo(BundleFiles.GGUF_TEMPLATE, recipe.value, task_offset, ALIGNMENT,
                          data_layout(config.target, config.rank, recipe).data_bytes),
        )
        problems = validate_gguf_graph(out, manifest, specs[1][1])
        if problems:
            raise ExportValidationError("the GGUF graph disagrees with the numpy writer: " + "; ".join(problems))
        (out / BundleFiles.MANIFEST).write_text(json.dumps(manifest.to_dict(), indent=2))
    return Bundle.load(output)


def validate_gguf_graph(directory: Path, manifest: Manifest, hypernet: GraphSpec) -> list[str]:
    """The bundle's hypernetwork graph, then its GGUF graph + template, on the hypernetwork's validation inputs:
    every adapter file must equal the numpy writer's (export/gguf.py) for the same float outputs, byte for byte."""
    from t2l_edge.bundle import adapters_from_outputs

    from .gguf import to_gguf_bytes

    hyp = _session(directory / manifest.graphs[BundleGraph.HYPERNET].file)
    writer = _session(directory / manifest.graphs[BundleGraph.GGUF].file)
    template = (directory / manifest.gguf.template).read_bytes()
    names = list(manifest.graphs[BundleGraph.HYPERNET].outputs)
    problems = []
    for (embedding,) in hypernet.validation_inputs():
        outputs = dict(zip(names, hyp.run(names, {BundleGraph.EMBEDDING: embedding.numpy()})))
        data, finite = writer.run([BundleGraph.GGUF_DATA, BundleGraph.FINITE],
                                  {k: outputs[k] for k in manifest.graphs[BundleGraph.GGUF].inputs})
        tasks = [f"validation text {i}" for i in range(len(data))]
        for i, adapter in enumerate(adapters_from_outputs(manifest, outputs, tasks)):
            got = manifest.gguf.assemble(template, tasks[i], np.asarray(data[i], dtype="<u2").tobytes())
            if not finite[i] == 0 or got != to_gguf_bytes(adapter, manifest.gguf.recipe):
                problems.append(f"{manifest.graphs[BundleGraph.GGUF].file}: adapter {i} of a batch of {len(data)} "
                                f"differs from the numpy writer's {manifest.gguf.recipe} file")
    return problems


def _pad_token(encoder) -> str:
    token = encoder.tokenizer.id_to_token(encoder.pad_id)
    return token if token is not None else "[PAD]"


def _to_ort_format(graph_files: Mapping[str, Path], out: Path) -> list[str]:
    """ORT-format graphs (fixed optimizations, for a minimal build) and the required-operators config."""
    from onnxruntime.tools.convert_onnx_models_to_ort import OptimizationStyle, convert_onnx_models_to_ort

    names = {BundleGraph.ENCODER: BundleFiles.ENCODER_ONNX, BundleGraph.HYPERNET: BundleFiles.HYPERNET_ONNX,
             BundleGraph.GGUF: BundleFiles.GGUF_ONNX}
    # inside the bundle's temporary directory: a kill leaves nothing in the system's temp folder
    with tempfile.TemporaryDirectory(prefix=".ort-", dir=out) as src_dir, tempfile.TemporaryDirectory(prefix=".ort-out-", dir=out) as dst_dir:
        src, dst = Path(src_dir), Path(dst_dir)
        for role, path in graph_files.items():
            shutil.copyfile(path, src / names[role])
        _quiet(lambda: convert_onnx_models_to_ort(src, output_dir=dst, optimization_styles=[OptimizationStyle.Fixed]))
        produced = {p.name: p for p in dst.rglob("*") if p.is_file()}
        wanted = [_ORT_FILES[role] for role in graph_files]
        missing = [n for n in wanted if n not in produced]
        configs = [p for n, p in produced.items() if n.endswith(".config")]
        if missing or not configs:
            raise ExportValidationError(f"ORT format conversion did not produce {missing or 'an operators config'} "
                                        f"(got {sorted(produced)})")
        for name in wanted:
            shutil.copyfile(produced[name], out / name)
        shutil.copyfile(configs[0], out / BundleFiles.REQUIRED_OPERATORS)
    return wanted + [BundleFiles.REQUIRED_OPERATORS]


def _quiet(fn):
    """The converter prints progress on stdout; a library must not."""
    import contextlib
    import io
    import logging

    previous = logging.root.manager.disable
    logging.disable(logging.INFO)  # and logs "Created config in …" at INFO
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return fn()
    finally:
        logging.disable(previous)


__all__ = [
    "GraphSpec", "encoder_spec", "hypernet_spec", "export_graph", "validate_graph", "quantize_int8", "convert_fp16",
    "optimize_encoder", "build_bundle", "validate_gguf_graph", "ExportValidationError", "OPSET", "MAX_SEQUENCE",
    "DEFAULT_GGUF_RECIPE",
]
