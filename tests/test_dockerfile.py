"""The Dockerfile, the .dockerignore and the README's container commands agree.

Nothing here needs a Docker engine: the files are parsed. The start command the README
documents is the image's own (and a real ``sqs`` subcommand), the image runs as a non-root
user with a health check on ``/api/v1/health``, every COPY source exists and is not excluded
from the build context, and the vendored documentation assets travel both in the context and
in the installed package.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest

from api.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        out.append((keyword.upper(), args.strip()))
        pending = ""
    return out


def exec_form(args: str) -> list[str]:
    """An instruction's argv: JSON (exec) form as is, shell form as ``/bin/sh -c``."""
    if args.startswith("["):
        return [str(a) for a in json.loads(args)]
    return ["/bin/sh", "-c", args]


def image_argv() -> list[str]:
    """What the container runs by default: ENTRYPOINT followed by CMD (the last of each)."""
    found = dict(instructions())  # later instructions of a kind win, as in Docker
    entrypoint = exec_form(found["ENTRYPOINT"]) if "ENTRYPOINT" in found else []
    command = exec_form(found["CMD"]) if "CMD" in found else []
    return entrypoint + command


def readme_commands(program: str) -> list[list[str]]:
    """Each ``<program> ...`` command in the README's bash blocks, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL):
        for command in block.replace("\\\n", " ").splitlines():
            if command.strip().startswith(f"{program} "):
                commands.append(shlex.split(command, comments=True))
    return commands


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def excluded(path: str, patterns: list[str]) -> bool:
    """Whether the build context leaves ``path`` out: it or a parent folder matches a pattern
    (negations, ``!pattern``, bring it back)."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        glob = pattern.lstrip("!").strip("/")
        if any(fnmatch.fnmatchcase(c, glob) for c in candidates):
            result = not negate
    return result


def copy_sources() -> list[str]:
    sources = []
    for keyword, args in instructions():
        words = shlex.split(args)
        if keyword not in ("COPY", "ADD") or any(w.startswith("--from") for w in words):
            continue  # --from copies from another stage, not from the build context
        paths = [w for w in words if not w.startswith("--")]
        sources += paths[:-1]
    return sources


# `docker run` options that take no value; every other option takes one (``-p 8000:8000``).
RUN_FLAGS = {"-d", "--detach", "--rm", "-i", "-t", "-it", "-ti", "--init", "--read-only"}


def run_image_and_args(run: list[str]) -> tuple[str, list[str]]:
    """``docker run [options] IMAGE [ARG...]`` -> (IMAGE, ARGs)."""
    words = run[2:]
    i = 0
    while words[i].startswith("-"):
        i += 1 if words[i] in RUN_FLAGS or "=" in words[i] else 2
    return words[i], words[i + 1 :]


def test_readme_starts_the_container_with_the_images_own_command():
    commands = readme_commands("docker")
    tags = [c[c.index("-t") + 1] for c in commands if c[1] == "build" and "-t" in c]
    runs = [c for c in commands if c[1] == "run"]
    assert tags, "the README shows no `docker build -t <image> .`"
    assert runs, "the README shows no `docker run`"
    default = image_argv()
    for run in runs:
        assert not any(w.startswith("--entrypoint") for w in run), run
        image, args = run_image_and_args(run)
        assert image in tags, f"`docker run` starts {image}, the README builds {tags}"
        # Arguments after the image replace CMD; none means CMD itself.
        assert args in ([], default), f"the README runs {args}, the image runs {default}"


def test_the_image_command_is_a_real_sqs_subcommand():
    argv = image_argv()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert argv[0] in scripts, f"{argv[0]} is not a console script of the package"
    args = build_parser().parse_args(argv[1:])  # exits (fails the test) on a bad argument
    assert args.command == "serve"
    assert args.host == "0.0.0.0"  # reachable through the published port


def test_runs_as_a_non_root_user():
    users = [args for keyword, args in instructions() if keyword == "USER"]
    assert users, "no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_health_check_calls_the_health_route():
    checks = [args for keyword, args in instructions() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "NONE" not in checks[0].split()
    assert "/api/v1/health" in checks[0]


def test_every_copy_source_exists_and_is_in_the_build_context():
    patterns = dockerignore_patterns()
    sources = copy_sources()
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
        assert not excluded(source, patterns), f"COPY {source}: .dockerignore leaves it out"


def test_the_build_context_keeps_out_local_state_and_secrets():
    patterns = dockerignore_patterns()
    for path in (".env", ".venv", "var/sqs.db", ".git", "tests/conftest.py"):
        assert excluded(path, patterns), f"{path} would be sent to the Docker build"


def _docs_assets() -> list[str]:
    folder = ROOT / "api" / "static" / "docs"
    return sorted(str(p.relative_to(ROOT)) for p in folder.rglob("*") if p.is_file())


def test_docs_assets_reach_the_image():
    assets = _docs_assets()
    assert "api/static/docs/redoc/redoc.standalone.js" in assets
    patterns = dockerignore_patterns()
    assert [a for a in assets if excluded(a, patterns)] == []
    assert "api" in copy_sources()


@pytest.mark.parametrize("asset", _docs_assets())
def test_docs_assets_are_package_data(asset):
    """``pip install .`` carries them (an installed package serves /docs without the tree)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["api"]
    inside = asset.removeprefix("api/")
    assert any(fnmatch.fnmatchcase(inside, g) and g.count("/") == inside.count("/") for g in globs)


def test_the_image_installs_the_thai_font_the_pdfs_are_set_in():
    """PDF documents are set in TLWG Laksaman read from SQS_DOCUMENT_FONT_DIR's default: the
    image installs the Debian package that puts it there (without it the PDF routes answer
    503). The image runs no tests, so poppler-utils (the tests' PDF reader) stays out."""
    from api.settings import Settings
    from services.documents.typeset import FONT_FAMILY

    runs = [args for keyword, args in instructions() if keyword == "RUN"]
    installs = [r for r in runs if "apt-get install" in r]
    assert any("fonts-tlwg-laksaman-otf" in r.split() for r in installs), installs
    assert str(Settings.model_fields["document_font_dir"].default) == (
        "/usr/share/fonts/opentype/tlwg"  # where fonts-tlwg-laksaman-otf puts Laksaman.otf
    )
    assert FONT_FAMILY == "Laksaman"
    # setup-env installs the same font (and the tests' poppler-utils) on a developer's machine
    setup = (ROOT / "scripts" / "setup-env").read_text(encoding="utf-8")
    assert "fonts-tlwg-laksaman-otf" in setup and "poppler-utils" in setup
