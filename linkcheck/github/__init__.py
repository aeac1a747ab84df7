"""The GitHub edge: run context, changed lines of a pull request, and publishing.

* :mod:`~linkcheck.github.context` reads the Actions environment and event payload;
* :mod:`~linkcheck.github.scope` finds the lines a pull request changed
  (:mod:`~linkcheck.github.diff` reads the unified diffs);
* :mod:`~linkcheck.github.api` is the REST client (the only module that speaks httpx here),
  :mod:`~linkcheck.github.rest` the few operations we use, with typed answers;
* :mod:`~linkcheck.github.state` is the flake memory kept in the tracking issue (pure);
* :mod:`~linkcheck.github.tracking` keeps the one tracking issue;
* :mod:`~linkcheck.github.prcomment` keeps the one pull-request comment;
* :mod:`~linkcheck.github.publish` is what the CLI calls.
"""
