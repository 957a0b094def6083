"""Clients for a Coachloop server: REST (httpx) and gRPC (generated stubs).

Both return the result document as a plain ``dict`` with the same content::

    from coachloop_client import RestClient, GrpcClient

    with RestClient("http://127.0.0.1:8080") as rest:
        doc = rest.score_audio(open("call.wav", "rb").read(), rubric="collections")
    with GrpcClient("127.0.0.1:50051") as rpc:
        same = rpc.score_audio(open("call.wav", "rb").read(), rubric="collections")
"""

from coachloop_client._grpc import GrpcClient, document_from_proto
from coachloop_client._rest import CoachloopHTTPError, RestClient

__all__ = ["CoachloopHTTPError", "GrpcClient", "RestClient", "document_from_proto"]
