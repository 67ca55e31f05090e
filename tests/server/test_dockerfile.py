"""Static and staged checks of the Dockerfile, .dockerignore, compose.yaml and the README.

Docker cannot run here: this machine has only the docker client, no engine, so
``docker build``/``docker compose up`` are never executed by the tests. Instead:

* the Dockerfile is parsed and checked instruction by instruction (valid keywords, slim
  Python >= 3.11 base, non-root USER, requirements installed before the code is
  copied, HEALTHCHECK on /healthz, EXPOSE 8050, CMD ``gunicorn -c gunicorn.conf.py
  app:server``);
* its build is *staged*: the COPY instructions are replayed into a temporary directory
  (honouring .dockerignore), the ENV is applied, the CMD is started there with this
  venv's Python (on loopback) and the HEALTHCHECK command must succeed against it, so a
  file the image would miss makes the test fail;
* compose.yaml is parsed (Redis service, several app replicas, the cache URL the app
  really reads);
* the README's deployment commands must match the files: docker build/run/compose, and the
  gunicorn command (however its path is written, ``.venv/bin/gunicorn`` included) must be
  the Dockerfile's CMD.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.server_harness import free_port, gunicorn_server

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
KEYWORDS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}
CODE_PATHS = ("app.py", "qdgain_core", "components", "assets")
EXPECTED_CMD = ["gunicorn", "-c", "gunicorn.conf.py", "app:server"]


def parse_dockerfile(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction; continuations joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, args = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "Dockerfile ends inside a line continuation"
    return instructions


def exec_form(args: str) -> list[str]:
    """The JSON array of an exec-form CMD/RUN/HEALTHCHECK CMD."""
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(part, str) for part in value), args
    return value


def copy_parts(args: str) -> tuple[list[str], str]:
    """(sources, destination) of a COPY, without its --flags."""
    parts = [part for part in shlex.split(args) if not part.startswith("--")]
    return parts[:-1], parts[-1]


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex: ``*`` and ``?`` stay within one path segment,
    ``**`` spans any number of segments (Go's filepath.Match plus Docker's ``**``)."""
    segments = pattern.strip("/").split("/")
    regex = ""
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            regex += ".*" if last else "(?:.*/)?"
            continue
        regex += "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in segment)
        regex += "" if last else "/"
    return re.compile(regex)


def ignored(relative: str, patterns: list[str]) -> bool:
    """Whether .dockerignore excludes ``relative`` or a folder above it (no ``!`` support)."""
    segments = Path(relative).parts
    prefixes = ["/".join(segments[:depth]) for depth in range(1, len(segments) + 1)]
    return any(pattern_regex(p).fullmatch(prefix) for p in patterns for prefix in prefixes)


@pytest.fixture(scope="module")
def instructions() -> list[tuple[str, str]]:
    return parse_dockerfile(DOCKERFILE.read_text())


def _env(instructions: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in instructions:
        if keyword == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def _indices(instructions: list[tuple[str, str]], keyword: str) -> list[int]:
    return [i for i, (kw, _) in enumerate(instructions) if kw == keyword]


def test_instructions_are_valid(instructions):
    assert instructions[0][0] == "FROM"
    unknown = [kw for kw, _ in instructions if kw not in KEYWORDS]
    assert not unknown, f"unknown Dockerfile instructions: {unknown}"


def test_base_image_is_slim_python_311_or_newer(instructions):
    image = instructions[0][1].split()[0]
    match = re.fullmatch(r"python:3\.(\d+)(\.\d+)?-slim(-\w+)?", image)
    assert match and int(match.group(1)) >= 11, image


def test_runs_as_non_root(instructions):
    users = _indices(instructions, "USER")
    assert users, "no USER instruction: the container would run as root"
    user = instructions[users[-1]][1].split(":")[0]
    assert user not in {"root", "0"}
    assert users[-1] > max(_indices(instructions, "RUN")), "USER must follow every RUN"
    assert users[-1] < _indices(instructions, "CMD")[-1]


def test_environment(instructions):
    env = _env(instructions)
    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert env.get("PYTHONUNBUFFERED") == "1"
    assert env.get("HOST") == "0.0.0.0", "the container must listen beyond its loopback"


def test_requirements_installed_before_code_is_copied(instructions):
    copies = [(i, copy_parts(args)[0]) for i, (kw, args) in enumerate(instructions) if kw == "COPY"]
    requirement_copy = next(i for i, sources in copies if sources == ["requirements.txt"])
    install = next(
        i for i, (kw, args) in enumerate(instructions)
        if kw == "RUN" and re.search(r"pip install .*-r requirements\.txt", args)
    )
    code_copies = [i for i, sources in copies if any(s.rstrip("/") in CODE_PATHS for s in sources)]
    assert code_copies, "the code is never copied"
    assert requirement_copy < install < min(code_copies)
    assert not any(s in {".", "./"} for _, sources in copies for s in sources), (
        "COPY . would invalidate the dependency layer on every change"
    )


def test_healthcheck_and_cmd(instructions):
    (health,) = [args for kw, args in instructions if kw == "HEALTHCHECK"]
    command = exec_form(health.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"] and "urllib" in command[2] and "/healthz" in command[2]
    compile(command[2], "HEALTHCHECK", "exec")
    (cmd,) = [args for kw, args in instructions if kw == "CMD"]
    assert exec_form(cmd) == EXPECTED_CMD
    assert "8050" in [args for kw, args in instructions if kw == "EXPOSE"]
    assert not _indices(instructions, "ENTRYPOINT")


def test_copied_sources_exist_and_are_not_ignored(instructions):
    patterns = dockerignore_patterns()
    for keyword, args in instructions:
        if keyword == "COPY":
            for source in copy_parts(args)[0]:
                assert (ROOT / source).exists(), f"COPY {source}: missing from the repository"
                assert not ignored(source.rstrip("/"), patterns), f"COPY {source}: in .dockerignore"


def stage_image(instructions: list[tuple[str, str]], target: Path) -> None:
    """Replay the Dockerfile's COPY instructions (relative to its WORKDIR) into ``target``."""
    patterns = dockerignore_patterns()
    for keyword, args in instructions:
        if keyword != "COPY":
            continue
        sources, destination = copy_parts(args)
        for source in sources:
            origin = ROOT / source
            dest = target / destination / (origin.name if destination.endswith("/") and origin.is_file() else "")
            if origin.is_file():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, dest)
                continue
            for path in origin.rglob("*"):
                relative = path.relative_to(ROOT).as_posix()
                if path.is_file() and not ignored(relative, patterns):
                    out = target / destination / path.relative_to(origin)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, out)


@pytest.mark.slow
def test_staged_image_serves_and_passes_its_healthcheck(instructions, tmp_path):
    """The image's files, ENV and CMD, run here: the HEALTHCHECK command must pass."""
    stage_image(instructions, tmp_path)
    env = {**os.environ, **_env(instructions)}
    env.pop("PYTHONPATH", None)
    env.update(HOST="127.0.0.1", PORT=str(free_port()), QDGAIN_WORKERS="1")
    cmd = [str(Path(sys.executable).parent / EXPECTED_CMD[0]), *EXPECTED_CMD[1:]]
    (health,) = [args for kw, args in instructions if kw == "HEALTHCHECK"]
    probe = exec_form(health.split(" CMD ", 1)[1])
    with gunicorn_server(cmd, cwd=tmp_path, env=env, port=int(env["PORT"])):
        result = subprocess.run(
            [sys.executable, *probe[1:]], env=env, cwd=tmp_path, capture_output=True, timeout=30
        )
    assert result.returncode == 0, result.stderr.decode()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_replicas_with_redis(compose):
    services = compose["services"]
    assert str(services["redis"]["image"]).startswith("redis:7")
    app = services["app"]
    assert app["build"] in {".", "./"} or app["build"].get("context") in {".", "./"}
    assert int(app["deploy"]["replicas"]) >= 2
    assert "redis" in app["depends_on"]
    assert any(str(port).endswith(":8050") for port in app["ports"])
    env = app["environment"]
    assert env["QDGAIN_CACHE_URL"].startswith("redis://redis:6379")


def test_cache_url_variable_is_read_by_the_app():
    """compose.yaml configures the cache through QDGAIN_CACHE_URL: the app must read it."""
    sources = [ROOT / "app.py", *sorted((ROOT / "components").rglob("*.py"))]
    assert any("QDGAIN_CACHE_URL" in path.read_text() for path in sources)


def readme_deployment_section() -> str:
    match = re.search(r"^(#+)\s*Deploy\w*.*?$(.*?)(?=^\1\s|\Z)", (ROOT / "README.md").read_text(), re.M | re.S | re.I)
    assert match, "README.md has no Deployment section"
    return match.group(2)


def is_gunicorn_command(command: str) -> bool:
    """Whether ``command`` runs gunicorn, by any path (``gunicorn``, ``.venv/bin/gunicorn``)."""
    words = command.split()
    return bool(words) and Path(words[0]).name == "gunicorn"


def test_readme_deployment_commands_match():
    section = readme_deployment_section()
    commands = [line.strip().lstrip("$ ") for line in section.splitlines()]
    docker = [c for c in commands if c.startswith("docker ")]
    assert any(re.match(r"docker (image )?build\b.*\s\.$", c) for c in docker), docker
    assert any(c.startswith("docker compose up") for c in docker), docker
    for command in docker:
        if command.startswith("docker run"):
            assert re.search(r"-p\s+\S*:8050\b", command), command
    gunicorn = [c for c in commands if is_gunicorn_command(c)]
    assert gunicorn, "the Deployment section shows no gunicorn command"
    for command in gunicorn:
        assert shlex.split(command)[1:] == EXPECTED_CMD[1:], command


def test_gunicorn_command_recognised_by_any_path():
    assert is_gunicorn_command(".venv/bin/gunicorn -c gunicorn.conf.py app:server")
    assert is_gunicorn_command("gunicorn -c gunicorn.conf.py app:server")
    assert not is_gunicorn_command("docker run --rm -p 8050:8050 qdgain")
