"""A local stand-in for the parts of the NAVER Commerce API batchship uses (see `server.py`).

The server (aiohttp) loads on first use of `Sandbox`, `Faults` or `FaultSpec`: a check that only needs the
demo credentials' names does not pay for it."""

from typing import TYPE_CHECKING, Any

from batchship.sandbox.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

if TYPE_CHECKING:
    from batchship.sandbox.server import Faults, FaultSpec, Sandbox

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "FaultSpec", "Faults", "Sandbox"]


def __getattr__(name: str) -> Any:
    if name in ("Faults", "FaultSpec", "Sandbox"):
        from batchship.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
