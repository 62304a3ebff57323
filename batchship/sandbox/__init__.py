"""A local stand-in for the parts of the NAVER Commerce API batchship uses (see `server.py`)."""

from batchship.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Faults, FaultSpec, Sandbox

__all__ = ["DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "FaultSpec", "Faults", "Sandbox"]
