"""A local fake of GitHub's REST API, validating every request against GitHub's OpenAPI
description. See :mod:`fakegithub.server`."""

from fakegithub.server import READ, WRITE, FakeGitHub, Seen

__all__ = ["READ", "WRITE", "FakeGitHub", "Seen"]
