"""The coaching-loop demo: four weeks of calls replayed through a real store."""

from coachloop.demo._calls import CRITERIA, make_call
from coachloop.demo._replay import run_demo

__all__ = ["CRITERIA", "make_call", "run_demo"]
