"""Shared runtime of every cinemesh service: config, bus, gRPC base, stores, metrics."""
