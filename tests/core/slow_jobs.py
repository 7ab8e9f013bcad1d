"""A job kind for the worker-kill tests, loaded by worker processes through CCHC_JOB_MODULES."""

import os
import time
from pathlib import Path

from cchc.core.jobs import register_job


@register_job("tests.slow_first_attempt")
def slow_first_attempt(progress, *, job, marker: str):
    """The first attempt announces its process and then works for a long time (to be killed); a
    later attempt finishes at once."""
    if job.attempts == 1:
        Path(marker).write_text(str(os.getpid()))
        for i in range(600):
            progress.update(i, 600, "working")
            time.sleep(0.2)
    return {"summary": f"finished on attempt {job.attempts}"}
