"""Unpack a GGUF checkpoint into a transformers model directory.

vLLM loads a directory of config, tokenizer and safetensors weights; the
small test model ships as one quantized GGUF file. transformers reads GGUF
but keeps the weights packed, and a packed model cannot be saved, so the
tensors are dequantized into a plain model of the same config first.
"""

from __future__ import annotations

import logging
from pathlib import Path

from coachloop import envs
from coachloop.errors import EngineError

logger = logging.getLogger(__name__)


def unpack_gguf(source: Path, dest: Path) -> Path:
    """Write ``source`` (a .gguf file) to ``dest`` as bfloat16 safetensors with
    its tokenizer and chat template; returns ``dest``."""
    envs.set_offline()
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.modeling_gguf_pytorch_utils import load_gguf_checkpoint

    if not source.exists():
        raise EngineError(f"{source} does not exist")
    if source.suffix != ".gguf" or not source.is_file():
        raise EngineError(f"{source} is not a .gguf file")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise EngineError(f"{dest} exists and is not an empty folder; choose a new one")
    where = {"gguf_file": source.name, "local_files_only": True}
    folder = str(source.parent)
    config = AutoConfig.from_pretrained(folder, **where)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    tensors = load_gguf_checkpoint(
        str(source), return_tensors=True, model_to_load=model
    )
    missing, unexpected = model.load_state_dict(
        {k: torch.as_tensor(v) for k, v in tensors["tensors"].items()}, strict=False
    )
    # A tied output layer has no tensor of its own in the file.
    tied = {"lm_head.weight"} if config.tie_word_embeddings else set()
    if set(missing) - tied or unexpected:
        raise EngineError(
            f"{source} does not match its own config: missing {sorted(missing)}, "
            f"unexpected {sorted(unexpected)}"
        )
    model.tie_weights()
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(dest))
    AutoTokenizer.from_pretrained(folder, **where).save_pretrained(str(dest))
    logger.info("unpacked %s into %s (%s)", source, dest, config.model_type)
    return dest
