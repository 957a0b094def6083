"""gRPC adapter (grpcio asyncio): converts messages and calls the pipeline."""

from coachloop.rpc._servicer import CallScoringServicer, create_grpc_server

__all__ = ["CallScoringServicer", "create_grpc_server"]
