"""The `distillm` command line.

Each command parses its flags and calls one function. Exit status: 0 on
success, 1 when the site has errors (printed one per line, no traceback),
2 on command-line misuse.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ContentError, DistillmError
from .logs import configure_logging

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2


def _base_url(value: str) -> str:
    """Check --base-url the way the setting is checked (argparse reports the problem, exit 2)."""
    from .settings import base_url_problem

    problem = base_url_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _common_options() -> argparse.ArgumentParser:
    """Options every command takes: verbosity and --version."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--version", action="version", version=f"distillm {__version__}")
    volume = common.add_mutually_exclusive_group()
    volume.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity", help="log each step")
    volume.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", help="print only warnings and errors")
    common.set_defaults(verbosity=0)
    return common


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", "-s", type=Path, default=Path("."), metavar="DIR",
        help="the site's folder, holding content/ and the settings (default: the current folder)",
    )
    parser.add_argument("--drafts", action="store_true", help="include posts with draft = true")
    parser.add_argument("--future", action="store_true", help="include posts dated in the future")
    parser.add_argument("--expired", action="store_true", help="include posts whose expirydate has passed")


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="distillm",
        description="Build a static site from a folder of Markdown link digests.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    build = commands.add_parser(
        "build", parents=[common], help="build the site into the output folder",
        description="Build the site into the output folder (public/ by default), replacing it only on success.",
    )
    _site_options(build)
    build.add_argument(
        "--output", "-o", type=Path, metavar="DIR", help="where to write the site (default: public/ in the source folder)"
    )
    build.add_argument(
        "--base-url", type=_base_url, metavar="URL",
        help="the site's absolute URL for this build, replacing the base_url setting",
    )
    build.add_argument("--strict", action="store_true", help="fail the build on any warning")
    build.add_argument(
        "--jobs", "-j", type=_positive_integer, metavar="N",
        help="worker processes for reading and rendering posts (default: one per CPU on large sites)",
    )
    build.set_defaults(handler=_run_build)

    new = commands.add_parser(
        "new", parents=[common], help="start a new post as a draft",
        description="Write content/posts/<slug>.md for TITLE: a draft dated now, with an example "
        "digest section for the previous month. An existing file is never overwritten.",
    )
    new.add_argument("title", metavar="TITLE", help='the post\'s title, such as "DistiLLM 04"; it gives the file name')
    new.add_argument(
        "--source", "-s", type=Path, default=Path("."), metavar="DIR",
        help="the site's folder, holding content/ and the settings (default: the current folder)",
    )
    new.set_defaults(handler=_run_new)

    links = commands.add_parser(
        "links", parents=[common], help="export every curated link as JSON, CSV or a bookmark file",
        description="Export the link database of the site: every link occurrence of every post.",
    )
    _site_options(links)
    links.add_argument(
        "--format", "-f", choices=("json", "csv", "netscape"), default="json",
        help="json (default), csv with a header row, or netscape (a bookmark file browsers import)",
    )
    links.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write the export to FILE (default: standard output)"
    )
    links.set_defaults(handler=_run_links)

    serve = commands.add_parser(
        "serve", parents=[common], help="serve the site on this machine and rebuild it on every save",
        description="Build the site into a temporary folder, serve it over HTTP, and rebuild what changed "
        "whenever a file in content/, templates/, static/ or the settings is saved. Open pages reload by themselves.",
    )
    _site_options(serve)
    serve.add_argument(
        "--bind", default="127.0.0.1", metavar="ADDRESS",
        help="address to listen on (default: 127.0.0.1, reachable from this machine only)",
    )
    serve.add_argument(
        "--port", "-p", type=_port, default=1313, metavar="PORT", help="TCP port (default: 1313; 0 takes a free port)"
    )
    serve.add_argument("--open", action="store_true", dest="open_browser", help="open the site in the web browser")
    serve.set_defaults(handler=_run_serve)
    _add_check_command(commands, common)
    return parser


def _port(value: str) -> int:
    """Check --port: a whole number from 0 to 65535 (argparse reports the problem, exit 2)."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {value!r}")
    return port


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _positive_number(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not more than 0")
    return value


def _non_negative_number(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is less than 0")
    return value


def _positive_integer(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _add_check_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check", parents=[common], help="check links, duplicate links and text encoding",
        description="Build the site into a temporary folder (never the output folder) and check that every "
        "internal link of every page resolves; list duplicate links and mojibake in content files. "
        "Exit status 1 when a link is broken or a file has mojibake.",
    )
    _site_options(check)
    check.add_argument(
        "--fix-text", action="store_true",
        help="repair mojibake in content files in place with ftfy.fix_encoding, printing a diff first",
    )

    external = check.add_argument_group("external links")
    external.add_argument(
        "--external", action="store_true", help="also request every external link of the link database"
    )
    external.add_argument(
        "--timeout", type=_positive_number, default=10.0, metavar="SECONDS",
        help="seconds to wait for a connection, and for each read, before a link is unverified (default: 10)",
    )
    external.add_argument(
        "--max-wait", type=_non_negative_number, default=30.0, metavar="SECONDS",
        help="seconds one link may wait in total for the Retry-After delays its server requests (default: 30)",
    )

    external.add_argument(
        "--workers", type=_positive_integer, default=8, metavar="N", help="requests in flight at once (default: 8)"
    )
    external.add_argument(
        "--per-host", type=_positive_integer, default=2, metavar="N",
        help="requests in flight at once to one host (default: 2)",
    )
    external.add_argument(
        "--host-delay", type=_non_negative_number, default=1.0, metavar="SECONDS",
        help="minimum seconds between two requests to one host (default: 1)",
    )
    external.add_argument(
        "--cache-days", type=_non_negative_number, default=7.0, metavar="DAYS",
        help="reuse results from .distillm-cache/ younger than this many days; 0 requests every link (default: 7)",
    )

    check.set_defaults(handler=_run_check)


def _run_build(arguments: argparse.Namespace) -> int:
    from .unchanged import DEFAULT_OUTPUT_DIR, BuildInputs, unchanged_build

    # A build with nothing to do needs none of the pipeline's imports, which take longer than that build.
    inputs = BuildInputs(arguments.source, arguments.base_url, arguments.drafts, arguments.future, arguments.expired)
    output_dir = arguments.output if arguments.output is not None else arguments.source / DEFAULT_OUTPUT_DIR
    report = unchanged_build(inputs, output_dir, arguments.strict)
    if report is not None:
        logger.info("%s", report.summary())
        return EXIT_OK

    from .build import BuildOptions, build_site

    options = BuildOptions(
        source_dir=arguments.source,
        output_dir=arguments.output,
        base_url=arguments.base_url,
        drafts=arguments.drafts,
        future=arguments.future,
        expired=arguments.expired,
        strict=arguments.strict,
        jobs=arguments.jobs,
    )
    report = build_site(options)
    logger.info("%s", report.summary())
    return EXIT_OK


def _run_new(arguments: argparse.Namespace) -> int:
    from .new import create_post

    create_post(arguments.source, arguments.title)
    return EXIT_OK


def _run_links(arguments: argparse.Namespace) -> int:
    from .exports import export_links, load_link_database
    from .loader import LoadOptions

    options = LoadOptions(arguments.drafts, arguments.future, arguments.expired)
    site = load_link_database(arguments.source, options)
    text = export_links(site, arguments.format)
    if arguments.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        arguments.output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise DistillmError(f"cannot write {arguments.output}: {error.strerror}; choose another --output") from error
    count = len(site.links)
    logger.info("Wrote %d %s to %s", count, "link" if count == 1 else "links", arguments.output)
    return EXIT_OK


def _run_serve(arguments: argparse.Namespace) -> int:
    from .loader import LoadOptions
    from .logs import ROOT_LOGGER
    from .serve import ServeOptions, serve
    from .serve.status import RepeatedWarningFilter

    # A rebuild logs the warnings of the files it redid again; the terminal shows each one once.
    warning_filter = RepeatedWarningFilter()
    for handler in logging.getLogger(ROOT_LOGGER).handlers:
        handler.addFilter(warning_filter)
    options = ServeOptions(
        source_dir=arguments.source,
        bind=arguments.bind,
        port=arguments.port,
        load=LoadOptions(arguments.drafts, arguments.future, arguments.expired),
        open_browser=arguments.open_browser,
    )
    serve(options, warning_filter)
    return EXIT_OK


def _run_check(arguments: argparse.Namespace) -> int:
    from .check.options import CheckOptions, ExternalOptions
    from .check.report import failure_summary, report_lines, work_summary
    from .check.run import check_site, repair_text
    from .errors import display_path
    from .loader import LoadOptions

    if arguments.fix_text:
        for content, lines in repair_text(arguments.source):
            logger.info("Repaired %d %s with mojibake in %s", lines, "line" if lines == 1 else "lines", display_path(content.path))
    external = None
    if arguments.external:
        external = ExternalOptions(
            timeout=arguments.timeout,
            max_wait=arguments.max_wait,
            workers=arguments.workers,
            per_host=arguments.per_host,
            host_delay=arguments.host_delay,
            cache_days=arguments.cache_days,
        )
    load = LoadOptions(arguments.drafts, arguments.future, arguments.expired)
    report = check_site(CheckOptions(arguments.source, load, external))
    for line in report_lines(report):
        print(line, file=sys.stderr)
    logger.info("%s", work_summary(report))
    if report.failed:
        print(f"error: {failure_summary(report)}", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK


# The last line after a command's errors, by command; `{errors}` is "1 error" or "2 errors".
_FAILURE_LINES = {
    "build": "build failed with {errors}",
    "check": "check stopped, because the site does not build: {errors}",
    "links": "links not exported, because the site has {errors}",
    "new": "no post written: {errors}",
    "serve": "serve stopped, because the site does not build: {errors}",
}


def failure_line(command: str, count: int) -> str:
    """Return the last line printed after the errors of `command`, without its `error: ` prefix."""
    errors = f"{count} error{'s' if count != 1 else ''}"
    return _FAILURE_LINES.get(command, command + " failed with {errors}").format(errors=errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    arguments = build_parser().parse_args(argv)
    configure_logging(arguments.verbosity)
    try:
        return arguments.handler(arguments)
    except ContentError as error:
        for diagnostic in error.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len([d for d in error.diagnostics if d.severity == "error"])
        print(f"error: {failure_line(arguments.command, count)}", file=sys.stderr)
        return EXIT_ERRORS
    except DistillmError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
