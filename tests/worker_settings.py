"""The settings of the test worker process: the project's, plus a render that can
be slowed down (REPORTS_RENDER_STEP_DELAY seconds per step) so that a test can
kill the worker mid-render. Production settings have no such knob."""

import os

from bpu.settings import *  # noqa: F403

REPORTS_RENDER_STEP_DELAY = float(os.environ.get("REPORTS_RENDER_STEP_DELAY", "0"))
