"""The LLM judge of ``llm`` rubric criteria: prompts, backends, checked answers."""

from coachloop.judge._answer import Answer, InvalidAnswer, answer_schema, parse_answer
from coachloop.judge._backends import (
    Backend,
    Reply,
    Request,
    create_backend,
    embedded_test_model,
)
from coachloop.judge._judge import Judge, Judged

__all__ = [
    "Answer",
    "Backend",
    "InvalidAnswer",
    "Judge",
    "Judged",
    "Reply",
    "Request",
    "answer_schema",
    "create_backend",
    "embedded_test_model",
    "parse_answer",
]
