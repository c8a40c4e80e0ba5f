"""Card features: what the base model itself makes of a task card's examples, for the hypernetwork to read beside
the text encoder's embedding (issue 20).

The text encoder (MiniLM) pools a card "Reverse the words.\\nInput: red fox\\nOutput: fox red" into one sentence
vector that keeps the topic and loses the mapping. The base model, given the same text, does in-context learning on
it: its hidden states over the card carry the task as it understands it. A card's features are the base's
final-layer hidden states (after the output norm: what llama.cpp returns as embeddings, `pooling_type` none) over
the card text, pooled two ways and concatenated: the mean over every token, and the last token's state.

On a device this is one llama.cpp pass over the card with the base model the app has loaded anyway
(`runtimes.llama_cpp.CardReader`); in training the same pass runs through llama.cpp too, so the hypernetwork learns
from exactly the features it will be given. Numpy and stdlib only.
"""

from __future__ import annotations

import numpy as np

from .errors import InvalidInputError

CARD_FEATURES = "base-final-mean-last-v1"  # recorded in checkpoints and bundles: how features are made
POOLINGS = 2  # mean, last


def n_card_features(hidden_size: int) -> int:
    return POOLINGS * hidden_size


def pool_card_states(states: np.ndarray) -> np.ndarray:
    """(T, d) final-layer hidden states of a card's tokens -> (2d,) float32: [mean over tokens, last token]."""
    states = np.asarray(states, dtype=np.float32)
    if states.ndim != 2 or states.shape[0] == 0:
        raise InvalidInputError(f"card hidden states must be (tokens, hidden) with at least one token, got {states.shape}")
    return np.concatenate([states.mean(axis=0), states[-1]]).astype(np.float32)
