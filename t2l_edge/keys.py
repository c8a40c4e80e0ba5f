"""Every GGUF key, safetensors metadata key and file name used by t2l-edge, defined once."""


class General:
    ARCHITECTURE = "general.architecture"
    TYPE = "general.type"
    NAME = "general.name"
    ALIGNMENT = "general.alignment"
    FILE_TYPE = "general.file_type"


class Adapter:
    """llama.cpp's adapter keys (src/llama-adapter.cpp, gguf-py Keys.Adapter)."""

    TYPE = "adapter.type"
    LORA_ALPHA = "adapter.lora.alpha"
    LORA_TASK_NAME = "adapter.lora.task_name"
    LORA_PROMPT_PREFIX = "adapter.lora.prompt_prefix"
    GENERAL_TYPE_VALUE = "adapter"
    TYPE_VALUE = "lora"
    LORA_A_SUFFIX = ".lora_a"
    LORA_B_SUFFIX = ".lora_b"


class LLM:
    """Per-architecture hyperparameter keys, formatted with the GGUF architecture name."""

    BLOCK_COUNT = "{arch}.block_count"
    EMBEDDING_LENGTH = "{arch}.embedding_length"
    FEED_FORWARD_LENGTH = "{arch}.feed_forward_length"
    HEAD_COUNT = "{arch}.attention.head_count"
    HEAD_COUNT_KV = "{arch}.attention.head_count_kv"
    KEY_LENGTH = "{arch}.attention.key_length"
    VALUE_LENGTH = "{arch}.attention.value_length"


class T2L:
    """Our own keys, in GGUF adapters and in native safetensors metadata."""

    FORMAT_VERSION = "t2l.format_version"
    TARGET = "t2l.target"
    RANK = "t2l.rank"
    ALPHA = "t2l.alpha"
    SCALE_RULE = "t2l.scale_rule"
    TASK = "t2l.task"
    GENERATOR = "t2l.generator"
    PROMPT_MODE = "t2l.prompt_mode"  # a generated adapter's PromptMode; absent: not recorded (bare)


class Files:
    PEFT_CONFIG = "adapter_config.json"
    PEFT_WEIGHTS = "adapter_model.safetensors"
    HF_CONFIG = "config.json"


NATIVE_FORMAT_VERSION = 1


class BundleFiles:
    """File names inside a generator bundle (`t2l-edge build-engine`)."""

    MANIFEST = "manifest.json"
    TOKENIZER = "tokenizer.json"
    ENCODER_ONNX = "encoder.onnx"
    HYPERNET_ONNX = "hypernet.onnx"
    ENCODER_ORT = "encoder.ort"
    HYPERNET_ORT = "hypernet.ort"
    REQUIRED_OPERATORS = "required_operators.config"
    ENCODER_ENGINE = "encoder.engine"
    HYPERNET_ENGINE = "hypernet.engine"
    GGUF_ONNX = "gguf.onnx"  # hypernetwork outputs -> the adapter's GGUF tensor data (export/gguf_graph.py)
    GGUF_ORT = "gguf.ort"
    CARD_ONNX = "card.onnx"  # card features -> change of the task embedding (a card-reading hypernetwork's CardNet)
    GGUF_TEMPLATE = "gguf_template.bin"  # the adapter's GGUF header with an empty task name (docs/gguf-template.md)


class BundleGraph:
    """Graph roles and the tensor names of their inputs and outputs."""

    ENCODER = "encoder"
    HYPERNET = "hypernet"
    INPUT_IDS = "input_ids"
    ATTENTION_MASK = "attention_mask"
    EMBEDDING = "embedding"
    LORA_A = "lora_A.{module}"  # (batch, layers, r, in)
    LORA_B = "lora_B.{module}"  # (batch, layers, out, r)
    GGUF = "gguf"
    GGUF_DATA = "gguf_data"  # (batch, layers, words per layer) uint16: each row's buffer is an adapter's data section
    FINITE = "finite"  # (batch,) float32: 0, or NaN where a hypernetwork output was not finite
    CARD = "card"
    CARD_FEATURES = "card_features"  # (batch, F) float32: card_features.py
    EMBEDDING_DELTA = "embedding_delta"  # (batch, d) float32: added to the text embedding of a card with examples


class BundleExtra:
    """Keys of a bundle manifest's `extra` object (what build-engine records beyond the fixed fields)."""

    ENGINES = "engines"  # TensorRT bundles: graph role -> serialized engine file
    OPTIMIZED_ENCODER = "optimized_encoder"
    CHECKPOINT = "checkpoint"
    CARD_FEATURES = "card_features"  # a card-reading bundle: how its card features are made (card_features.py)
    ENCODER_FINE_TUNED = "encoder_fine_tuned"  # a checkpoint's fine-tuned encoder: {"name", "base", "train_layers"}


BUNDLE_FORMAT_VERSION = 1
