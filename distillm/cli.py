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
    return parser


def _run_build(arguments: argparse.Namespace) -> int:
    from .build import BuildOptions, build_site

    options = BuildOptions(
        source_dir=arguments.source,
        output_dir=arguments.output,
        base_url=arguments.base_url,
        drafts=arguments.drafts,
        future=arguments.future,
        expired=arguments.expired,
        strict=arguments.strict,
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


# The last line after a command's errors, by command; `{errors}` is "1 error" or "2 errors".
_FAILURE_LINES = {
    "build": "build failed with {errors}",
    "check": "check stopped, because the site does not build: {errors}",
    "links": "links not exported, because the site has {errors}",
    "new": "no post written: {errors}",
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
