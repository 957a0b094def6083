"""REST adapter (Litestar + msgspec): converts requests and calls the pipeline."""

from coachloop.http._app import create_app

__all__ = ["create_app"]
