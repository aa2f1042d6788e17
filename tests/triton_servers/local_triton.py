"""The command line every tiny-model server shares: a real Triton on 127.0.0.1 at the ports it is given."""

from __future__ import annotations

import argparse
import logging

from pytriton.triton import Triton, TritonConfig


def local_triton() -> Triton:
    """A Triton (use as a context manager) on the --grpc-port/--http-port/--metrics-port of the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--metrics-port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    return Triton(
        config=TritonConfig(
            grpc_port=args.grpc_port,
            http_port=args.http_port,
            metrics_port=args.metrics_port,
            grpc_address="127.0.0.1",
            http_address="127.0.0.1",
        )
    )
