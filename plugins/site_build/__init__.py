"""Building and serving the bulletin (used by tasks.py and the tests)."""

from .build import BuildFailed, BuildResult, build, build_and_report, serve

__all__ = ["BuildFailed", "BuildResult", "build", "build_and_report", "serve"]
