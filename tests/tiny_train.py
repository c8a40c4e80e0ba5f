"""A tiny random base saved as a transformers folder with a character-level tokenizer, for training tests.

Nothing is downloaded: the model comes from `tiny_models` (config only), the tokenizer is built here with
`tokenizers` (one token per character, BOS prepended) and saved with the model, so `load_base_model(folder)` loads
both as it would a real base.
"""

from __future__ import annotations

import shutil
import string
from pathlib import Path

from tiny_models import VOCAB, tiny_model

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]  # ids 0..3, as the tiny configs' pad/bos/eos ids expect
CHARS = [c for c in string.printable if c not in "\t\r\x0b\x0c"]  # letters, digits, punctuation, space, newline
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def char_tokenizer():
    from tokenizers import Tokenizer, decoders, models, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIALS + CHARS)}
    assert len(vocab) <= VOCAB
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))  # no merges: one token per character
    tok.decoder = decoders.Fuse()  # characters back together, no spaces between them
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A", special_tokens=[("<bos>", 1)])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>", unk_token="<unk>"
    )


EMBEDDING_GAIN = 5.0


def tiny_base(folder: Path, architecture: str = "gemma3", seed: int = 1234) -> Path:
    """Write (once) a tiny random `architecture` model and the character tokenizer to `folder`.

    The (tied) embedding is scaled up: at the default init (std 0.02) the final RMSNorm bounds every logit to about
    ±1, so no adapter could make the tiny model confident of any answer and tasks could not be learned.
    """
    import torch

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        model = tiny_model(architecture, seed=seed)
        with torch.no_grad():
            model.get_input_embeddings().weight.mul_(EMBEDDING_GAIN)
            if not model.config.tie_word_embeddings:
                model.get_output_embeddings().weight.mul_(EMBEDDING_GAIN)
        model.save_pretrained(folder)
        char_tokenizer().save_pretrained(folder)
    return folder


def tiny_run_dir(tmp_path: Path, config: str = "train_tiny.toml", **replace: str) -> Path:
    """Copy a fixture config and the fixture tasks next to a tiny base, in tmp_path; returns the config's path.
    `replace` substitutes text in the config (e.g. steps = 40 -> steps = 6)."""
    tiny_base(tmp_path / "tiny-base")
    for name in ("tiny_tasks.jsonl", "tiny_heldout.jsonl"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    text = (FIXTURES / config).read_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / config
    path.write_text(text)
    return path
