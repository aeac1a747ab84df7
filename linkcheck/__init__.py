"""linkcheck: link-health checker for Markdown awesome lists."""

__version__ = "0.1.0"
