"""linkcheck: link-health checker for Markdown awesome lists.

The library returns data; the CLI (``linkcheck.cli``) only parses arguments and prints::

    from linkcheck import Config, check_file
    report = check_file("README.md", Config())
    for verdict in report.failing(strict=False):
        print(verdict.link.entry, verdict.link.url, verdict.reason)
"""

__version__ = "0.1.0"

from linkcheck.config import Config, HostPolicy, KindRule, load_config
from linkcheck.errors import (
    ConfigError,
    DeliveryError,
    ExitCode,
    InputError,
    LinkcheckError,
    UsageError,
)
from linkcheck.extract import extract, extract_links
from linkcheck.models import (
    Check,
    Document,
    Finding,
    FindingType,
    Heading,
    Kind,
    Link,
    Location,
    Report,
    Status,
    Syntax,
    Verdict,
)
from linkcheck.pipeline import (
    check_documents,
    check_documents_sync,
    check_file,
    check_files,
    load_document,
)

__all__ = [
    "Check",
    "Config",
    "ConfigError",
    "DeliveryError",
    "Document",
    "ExitCode",
    "Finding",
    "FindingType",
    "Heading",
    "HostPolicy",
    "InputError",
    "Kind",
    "KindRule",
    "Link",
    "LinkcheckError",
    "Location",
    "Report",
    "Status",
    "Syntax",
    "UsageError",
    "Verdict",
    "__version__",
    "check_documents",
    "check_documents_sync",
    "check_file",
    "check_files",
    "extract",
    "extract_links",
    "load_config",
    "load_document",
]
