"""The package around the code: pyproject.toml, LICENSE, CITATION.cff and the citations.

* pyproject.toml's dependencies and extras follow the pins of requirements*.txt, and the
  version is read from ``qdgain_core.__version__``, which no other file repeats except
  CITATION.cff (checked equal here);
* CITATION.cff parses, and names the four papers as docs/references.md, the README's
  "How to cite" and the About page do (same titles, same authors);
* no tracked file points outside the repository.
"""

from __future__ import annotations

import ast
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from qdgain_core import __version__

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
TAGS = ("[000]", "[001]", "[002]", "[004]")
# Build backend of the editable install (scripts/test.sh), not a development dependency.
BUILD_ONLY = {"setuptools", "wheel"}
EXACT_IN_DEV_EXTRA = {"ruff", "mypy"}


def pins(path: Path) -> dict[str, str]:
    """name -> pinned version of the ``name==version`` lines of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\[\]-]+)==(\S+)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def requirement(spec: str) -> tuple[str, str, str]:
    """(name, operator, version) of a ``name>=version`` / ``name==version`` requirement."""
    match = re.fullmatch(r"([A-Za-z0-9_.\[\]-]+)(>=|==)(\S+)", spec)
    assert match, f"not a name>=version or name==version requirement: {spec!r}"
    return match.group(1), match.group(2), match.group(3)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def as_lower_bounds(specs: list[str]) -> dict[str, tuple[str, str]]:
    return {canonical(name): (op, version) for name, op, version in map(requirement, specs)}


def test_runtime_dependencies_are_the_core_pins_as_lower_bounds():
    runtime = pins(ROOT / "requirements.txt")
    assert as_lower_bounds(PROJECT["dependencies"]) == {
        name: (">=", runtime[name]) for name in ("numpy", "scipy")
    }


def test_web_extra_is_the_rest_of_requirements_txt_as_lower_bounds():
    runtime = {canonical(n): v for n, v in pins(ROOT / "requirements.txt").items()}
    web = as_lower_bounds(PROJECT["optional-dependencies"]["web"])
    assert web == {name: (">=", version) for name, version in runtime.items() if name not in ("numpy", "scipy")}


def test_dev_extra_is_requirements_dev_txt():
    dev_specs = [spec for spec in PROJECT["optional-dependencies"]["dev"] if spec != "qdgain[web]"]
    assert "qdgain[web]" in PROJECT["optional-dependencies"]["dev"]
    dev = as_lower_bounds(dev_specs)
    wanted = {}
    for name, version in pins(ROOT / "requirements-dev.txt").items():
        if canonical(name) not in BUILD_ONLY:
            wanted[canonical(name)] = ("==" if name in EXACT_IN_DEV_EXTRA else ">=", version)
    assert dev == wanted
    assert wanted["ruff"] == ("==", "0.17.6") and wanted["mypy"] == ("==", "2.4.1")


def test_metadata_version_licence_and_entry_point():
    assert "version" not in PROJECT and PROJECT["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "qdgain_core.__version__"}
    assert PROJECT["license"] == {"text": "MIT"}
    assert PROJECT["authors"] == [{"name": "qdgain developers"}]
    assert PROJECT["readme"] == "README.md" and "urls" not in PROJECT
    assert PROJECT["scripts"] == {"qdgain": "components.console:main"}
    assert PYPROJECT["tool"]["setuptools"]["package-data"]["qdgain_core"] == ["data/*.json", "data/*.csv",
                                                                            "data/examples/*"]
    assert PYPROJECT["tool"]["setuptools"]["package-data"]["components"] == ["lessons/*.json"]


def test_licence_file_and_readme_section():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n") and "Copyright (c) 2026 qdgain developers" in text
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Licence\n", 1)[1].split("\n## ", 1)[0]
    assert "MIT" in section and "LICENSE" in section


def project_files() -> list[Path]:
    """The files git tracks, plus the untracked ones it does not ignore (outside a git checkout:
    every file but hidden folders, caches and build output)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        skipped = ("__pycache__", "downloads", "build", "dist")
        return [path for path in ROOT.rglob("*") if path.is_file() and not any(
            part.startswith(".") or part in skipped or part.endswith(".egg-info")
            for part in path.relative_to(ROOT).parts[:-1])]
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def texts() -> dict[str, str]:
    found = {}
    for path in project_files():
        try:
            found[path.relative_to(ROOT).as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return found


def test_the_version_is_written_in_one_place_and_citation_cff():
    pattern = re.compile(rf"(?<![\w.]){re.escape(__version__)}(?![\w.])")
    holders = sorted(name for name, text in texts().items() if pattern.search(text))
    assert holders == ["CITATION.cff", "qdgain_core/__init__.py"], holders


def test_no_file_points_outside_the_repository():
    outside = ("../" + "shared", "/" + "work/")  # split so that this file does not match itself
    hits = [f"{name}: {needle}" for name, text in texts().items() for needle in outside if needle in text]
    assert hits == []


@pytest.fixture(scope="module")
def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text())


def test_citation_cff_describes_this_version(citation):
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == "qdgain" and citation["type"] == "software"
    assert citation["version"] == __version__
    assert citation["license"] == "MIT"
    assert citation["authors"] == [{"name": "qdgain developers"}]
    assert citation["message"]


def test_citation_cff_has_the_four_papers(citation):
    references = citation["references"]
    assert len(references) == 4
    for tag, reference in zip(TAGS, references, strict=True):
        assert reference["type"] == "article"
        assert reference["title"] and reference["authors"]
        assert all(author["given-names"] and author["family-names"] for author in reference["authors"])
        assert reference["notes"].startswith(f"Cited as {tag} in qdgain.")
        assert isinstance(reference.get("year", 0), int)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def about_references() -> dict[str, str]:
    """components/page/about.py's REFERENCES, read without importing dash."""
    tree = ast.parse((ROOT / "components" / "page" / "about.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "REFERENCES" for t in targets):
                return dict(ast.literal_eval(node.value))
    raise AssertionError("components/page/about.py has no REFERENCES")


def readme_citations() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## How to cite\n", 1)[1].split("\n## ", 1)[0]
    items = re.findall(r"^\* (\[\d{3}\]) (.*?)(?=^\* |\Z)", section, re.M | re.S)
    return {tag: squeeze(text) for tag, text in items}


def references_md_rows() -> dict[str, str]:
    rows = re.findall(r"^\| (\[\d{3}\]) \|(.*)$", (ROOT / "docs" / "references.md").read_text(), re.M)
    return dict(rows)


@pytest.mark.parametrize("tag", TAGS)
def test_every_place_cites_the_paper_with_its_title_and_authors(citation, tag):
    reference = citation["references"][TAGS.index(tag)]
    title = squeeze(reference["title"]).strip()
    family_names = [" ".join(filter(None, (a.get("name-particle"), a["family-names"]))) for a in reference["authors"]]
    places = {"README How to cite": readme_citations().get(tag, ""),
              "docs/references.md": references_md_rows().get(tag, ""),
              "About page": squeeze(about_references().get(tag, ""))}
    for place, text in places.items():
        assert title in text, f"{place} does not give {tag}'s title {title!r}"
        missing = [name for name in family_names if name not in text]
        assert not missing, f"{place} misses authors {missing} of {tag}"
        journal = reference.get("journal")
        if journal:
            assert journal in text and str(reference["year"]) in text, f"{place}: {tag} without {journal}, year"
        else:
            assert "not printed" in text, f"{place}: say that {tag}'s copy prints no journal and year"
