"""Who is asking: the person behind the current request, as every server-side check and the audit log see it.

Until sign-in is configured the app runs for one local user; the sign-in layer installs its own provider
with `use`, so the store, the audit log and the callbacks never import the sign-in machinery themselves."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

ROLES = ("admin", "leader", "teacher")


@dataclass(frozen=True)
class Identity:
    username: str
    school: str
    role: str  # one of ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


LOCAL = Identity("local", "local", "admin")
_provider: Callable[[], Identity | None] | None = None


def use(provider: Callable[[], Identity | None] | None) -> None:
    """Install how the current identity is found (None: back to the single local user)."""
    global _provider
    _provider = provider


def current() -> Identity | None:
    """The identity of this request: None when sign-in is on and nobody is signed in."""
    return _provider() if _provider else LOCAL
