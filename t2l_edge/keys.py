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


class Files:
    PEFT_CONFIG = "adapter_config.json"
    PEFT_WEIGHTS = "adapter_model.safetensors"
    HF_CONFIG = "config.json"


NATIVE_FORMAT_VERSION = 1
