"""`dispatch`: send every valid row to NAVER in requests of at most 30, and record what came back.

`run.py` drives a whole run; `request.py` is one request's state machine; `reconcile.py` is what the journal
already knows; `context.py` what the requests of a run share; the row messages are in `services/texts.py`.
"""

from batchship.services.dispatch.run import DispatchJob, DispatchOptions, Target, run_dispatch

__all__ = ["DispatchJob", "DispatchOptions", "Target", "run_dispatch"]
