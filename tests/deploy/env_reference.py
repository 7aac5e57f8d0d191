"""The environment variables the Circles code reads, found in the code itself.

Two sources, so a renamed setting changes this set without anyone editing a list:

- The readers that take a mapping (shared.settings.load_settings, the notifications
  channels' ChannelConfig.from_env and Links.from_env) are called with a mapping that
  records every key they ask for. That covers names built at run time:
  `<SERVICE>_<NAME>` then `<NAME>` for each of ENV_FIELDS, and `NOTIFICATIONS_` + name.
- Everything else reads os.environ directly with a literal name; an AST scan of services/
  and shared/ finds those (`os.environ.get("X")`, `os.environ["X"]`, `os.getenv("X")`,
  `"X" in os.environ`, and the same on a mapping called env/environ). A read whose name
  is not a literal must be in one of the modules the recording covers, or scan() says so.
"""
from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("services", "shared")
NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
# Receivers of .get()/[...] that are the process environment or a mapping standing in for it.
ENV_RECEIVERS = {"os.environ", "environ", "env", "self._environ"}
# Modules whose computed names the recording below covers.
RECORDED_MODULES = {"shared/settings.py", "services/notifications/channels/config.py",
                    "services/notifications/links.py"}


def services() -> list[str]:
    """Every service: a package under services/ with an app and a command line."""
    return sorted(p.name for p in (ROOT / "services").iterdir()
                  if (p / "__main__.py").is_file() and (p / "app.py").is_file())


class RecordingEnv(Mapping):
    """An empty environment that remembers every name it was asked for."""

    def __init__(self):
        self.asked: set[str] = set()

    def __getitem__(self, key):
        self.asked.add(key)
        raise KeyError(key)

    def __contains__(self, key):
        self.asked.add(key)
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def recorded_names() -> set[str]:
    from services.notifications.channels.config import ChannelConfig
    from services.notifications.links import Links
    from shared.settings import load_settings

    env = RecordingEnv()
    for service in services():
        load_settings(service, env)
    ChannelConfig.from_env(env)
    Links.from_env(env)
    return env.asked


@dataclasses.dataclass(frozen=True)
class Read:
    name: str | None  # None: computed at run time
    where: str  # path:line

    @property
    def path(self) -> str:
        return self.where.rsplit(":", 1)[0]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "literal" assignments, so os.environ.get(NAME) resolves too."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _key(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return None


def _reads(tree: ast.Module) -> Iterator[tuple[ast.AST | None, int]]:
    """(key expression, line) of every environment read in one module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            receiver, method = _dotted(node.func.value), node.func.attr
            if (receiver in ENV_RECEIVERS and method in {"get", "pop", "setdefault"}) or \
                    (receiver == "os" and method == "getenv"):
                yield node.args[0], node.lineno
        elif isinstance(node, ast.Subscript) and _dotted(node.value) in ENV_RECEIVERS:
            yield node.slice, node.lineno
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn)) \
                and _dotted(node.comparators[0]) in ENV_RECEIVERS:
            yield node.left, node.lineno


def scan(roots: tuple[str, ...] = SCANNED) -> list[Read]:
    reads = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            constants = _constants(tree)
            relative = path.relative_to(ROOT).as_posix()
            for key, line in _reads(tree):
                name = _key(key, constants)
                reads.append(Read(name if name and NAME.match(name) else None, f"{relative}:{line}"))
    return reads


def unaccounted_dynamic_reads(reads: list[Read]) -> list[str]:
    """Computed names outside the modules whose names recorded_names() collects."""
    return [r.where for r in reads if r.name is None and r.path not in RECORDED_MODULES]


def code_env_names() -> set[str]:
    """Every variable the services and the shared library read, prefixed forms included."""
    return recorded_names() | {r.name for r in scan() if r.name}


def base_names() -> set[str]:
    """The same without the `<SERVICE>_` copies of ENV_FIELDS: the names to document."""
    from shared.settings import ENV_FIELDS

    prefixed = {f"{service.upper()}_{name}" for service in services() for name in ENV_FIELDS}
    return code_env_names() - prefixed
