"""A Triton Inference Server model called over gRPC with `tritonclient`.

Shared by the stages whose production backends run on Triton. Transport errors
become Unavailable (retryable); a model answering outside its contract is a
plain error naming the model and the tensor.
"""

from __future__ import annotations

import numpy as np

from cinemesh.runtime.errors import Unavailable

_DTYPES = {
    np.dtype(np.uint8): "UINT8",
    np.dtype(np.float32): "FP32",
    np.dtype(np.int32): "INT32",
    np.dtype(np.int64): "INT64",
    np.dtype(object): "BYTES",
}


class TritonModel:
    """One model on one server; `infer` takes and returns named numpy arrays (batch of one)."""

    def __init__(self, url: str, model: str, timeout_seconds: float) -> None:
        import tritonclient.grpc as grpcclient

        self._grpc = grpcclient
        self.url, self.model = url, model
        self._timeout = timeout_seconds
        self._client = grpcclient.InferenceServerClient(url=url)

    def ready(self) -> bool:
        try:
            return bool(self._client.is_model_ready(self.model))
        except Exception:
            return False

    def infer(self, inputs: dict[str, np.ndarray], outputs: list[str]) -> dict[str, np.ndarray]:
        from tritonclient.utils import InferenceServerException

        tensors = []
        for name, value in inputs.items():
            tensor = self._grpc.InferInput(name, list(value.shape), _DTYPES[value.dtype])
            tensor.set_data_from_numpy(value)
            tensors.append(tensor)
        requested = [self._grpc.InferRequestedOutput(name) for name in outputs]
        try:
            result = self._client.infer(self.model, tensors, outputs=requested, client_timeout=self._timeout)
        except InferenceServerException as exc:
            raise Unavailable(f"Triton model {self.model!r} at {self.url} failed: {exc.message()}") from exc
        arrays = {}
        for name in outputs:
            array = result.as_numpy(name)
            if array is None:
                raise RuntimeError(f"Triton model {self.model!r} returned no {name} tensor")
            arrays[name] = array
        return arrays
