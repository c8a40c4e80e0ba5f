"""t2l-edge from Python, offline and without PyTorch: text -> LoRA -> GGUF -> llama.cpp.

    python examples/python_api.py [path/to/bundle]
"""

import sys

from t2l_edge.export.gguf import to_gguf_bytes
from t2l_edge.runtimes.llama_cpp import LlamaCppRunner
from t2l_edge.runtimes.onnxruntime import Generator

# Default: the shipped hypernetwork's int8 CPU bundle (built once on first use); or a bundle from build-engine.
generator = Generator.load(sys.argv[1] if len(sys.argv) > 1 else None)  # checks every file's sha256
llm = LlamaCppRunner()  # the default base, Gemma 3 270M Q4_K_M (or LlamaCppRunner("model.gguf"))

# One task text -> a LoraAdapter (float32 A, B per layer and module) -> quantized GGUF bytes in memory.
french, sentiment = generator.generate(["Translate the month into French.", "Is this review positive or negative?"])
gguf = to_gguf_bytes(french, "q4_0")
with open("french.gguf", "wb") as f:  # or keep it in memory only
    f.write(gguf)

llm.use(gguf)  # hot-swap into the loaded model (milliseconds, no reload)
print("french:", llm.generate("Input: March\nOutput:", max_tokens=16, stop=["\n"]))
llm.use(to_gguf_bytes(sentiment, "q4_0"))  # switch to another adapter
print("sentiment:", llm.generate("Input: a dull, endless film\nOutput:", max_tokens=16, stop=["\n"]))
llm.use(None)  # back to the base model
print("base:", llm.generate("Input: March\nOutput:", max_tokens=16, stop=["\n"]))
llm.close()
