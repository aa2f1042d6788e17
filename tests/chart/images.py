"""What each Dockerfile target installs and what each service imports, worked out without docker.

A target's distributions are resolved from pyproject.toml's dependencies and the extras its build stage
installs, following every requirement's own requirements (with their extras and markers) through the
metadata of the distributions installed here, as pip would. A service's imports are read from the source
(module-level and deferred imports alike), following `cinemesh.*` imports from its entry module.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
SERVICES = REPO / "services"
PROJECT = "cinemesh"

#: Top-level modules whose distribution does not record them (dlib-bin installs `dlib` as a bare extension).
MODULE_ALIASES: dict[str, tuple[str, ...]] = {"dlib": ("dlib-bin",)}

_FROM = re.compile(r"^FROM\s+(\S+)\s+AS\s+(\S+)\s*$", re.IGNORECASE)
_PIP_INSTALL = re.compile(r'pip install "\.\[([a-z0-9,-]+)\]"')
_COPY_VENV = re.compile(r"^COPY --from=(\S+) /opt/cinemesh /opt/cinemesh$")
_CMD = re.compile(r"^CMD \[(.*)\]$")


@dataclass(frozen=True)
class Target:
    """A final image of the Dockerfile: its name, the extras its build stage installs, and its command."""

    name: str
    extras: tuple[str, ...]
    command: tuple[str, ...]


def dockerfile_targets(dockerfile: Path = DOCKERFILE) -> dict[str, Target]:
    """The targets built on the shared `runtime` stage, each with the extras of the stage it copies its venv from."""
    stages: dict[str, tuple[str, list[str]]] = {}
    current: list[str] = []
    for line in dockerfile.read_text().splitlines():
        match = _FROM.match(line)
        if match:
            current = []
            stages[match.group(2)] = (match.group(1), current)
        elif line.strip() and not line.startswith("#"):
            current.append(line.strip())
    targets = {}
    for name, (base, lines) in stages.items():
        if base != "runtime":
            continue
        (build,) = [m.group(1) for m in map(_COPY_VENV.match, lines) if m]
        (extras,) = [m.group(1) for m in map(_PIP_INSTALL.search, stages[build][1]) if m]
        (command,) = [m.group(1) for m in map(_CMD.match, lines) if m]
        targets[name] = Target(name, tuple(extras.split(",")), tuple(part.strip(' "') for part in command.split(",")))
    return targets


@cache
def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def project_requirements(extras: tuple[str, ...]) -> list[Requirement]:
    """The project's own requirements with `extras`, its self-references (`cinemesh[a,b]`) expanded."""
    project = _project()
    requirements = [Requirement(raw) for raw in project["dependencies"]]
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for raw in project["optional-dependencies"][extra]:
            requirement = Requirement(raw)
            if canonicalize_name(requirement.name) == PROJECT:
                pending.extend(requirement.extras)
            else:
                requirements.append(requirement)
    return requirements


@dataclass(frozen=True)
class Resolution:
    #: Canonical distribution names that the target installs.
    distributions: frozenset[str]
    #: Those not installed here: listed, but their own requirements could not be followed.
    unresolved: frozenset[str]

    def size_bytes(self) -> int:
        """What the resolved distributions take on disk here (an image's virtual environment, roughly)."""
        total = 0
        for name in self.distributions - self.unresolved:
            for file in metadata.distribution(name).files or ():
                located = Path(str(file.locate()))
                if located.is_file():
                    total += located.stat().st_size
        return total


@cache
def resolve(extras: tuple[str, ...]) -> Resolution:
    """Every distribution pip installs for the project with `extras` (given the versions installed here)."""
    extras_of: dict[str, set[str]] = {}
    unresolved: set[str] = set()
    pending = project_requirements(extras)
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        wanted = set(requirement.extras)
        if name in extras_of and wanted <= extras_of[name]:
            continue
        extras_of.setdefault(name, set()).update(wanted)
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            unresolved.add(name)
            continue
        for raw in requires:
            nested = Requirement(raw)
            environments = [{"extra": extra} for extra in extras_of[name] | {""}]
            if nested.marker is None or any(nested.marker.evaluate(env) for env in environments):
                pending.append(nested)
    return Resolution(frozenset(extras_of), frozenset(unresolved))


# imports ---------------------------------------------------------------------------------------------------


def _source_of(module: str) -> Path | None:
    relative = module.removeprefix(PROJECT).lstrip(".").replace(".", "/")
    package = SERVICES / relative / "__init__.py"
    if package.exists():
        return package
    plain = (SERVICES / relative).with_suffix(".py")
    return plain if relative and plain.exists() else None


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """Every module name `source` imports anywhere (top level or inside functions), relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def third_party_imports(entries: list[str]) -> dict[str, set[str]]:
    """Top-level third-party module → the cinemesh modules that import it, over everything `entries` reach."""
    seen: set[str] = set()
    found: dict[str, set[str]] = {}
    pending = list(entries)
    while pending:
        module = pending.pop()
        source = _source_of(module)
        if module in seen or source is None:
            continue
        seen.add(module)
        parts = module.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # the packages' __init__ run first
        for name in imported_names(source.read_text(), module, source.name == "__init__.py"):
            top = name.split(".")[0]
            if top == PROJECT:
                pending.append(name)
            elif top not in sys.stdlib_module_names and top != "__future__":
                found.setdefault(top, set()).add(module)
    return found


@cache
def _providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def distributions_of(top_level: str) -> set[str]:
    """The distributions that provide an importable top-level name (empty if none installed here does)."""
    provided = _providers().get(top_level, []) or MODULE_ALIASES.get(top_level, ())
    return {canonicalize_name(name) for name in provided}
