"""Name registries: find a class or function by its name, or say which names exist.

Activations and losses are chosen by name in configs and on the command line; this module holds
the one look-up they share, so an unknown name gets the same message everywhere. It does not
build instances: the caller decides what to do with what it finds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from glassnet.errors import ConfigurationError

T = TypeVar("T")


def look_up(
    registry: Mapping[str, T], name: object, kind: str, aliases: Mapping[str, str] | None = None
) -> T:
    """Return the entry for ``name`` (any case, aliases resolved); else list the names."""
    if isinstance(name, str):
        key = name.lower()
        key = aliases.get(key, key) if aliases else key
        if key in registry:
            return registry[key]
    raise ConfigurationError(f"unknown {kind} {name!r}; choose from {', '.join(sorted(registry))}")
