import pytest


@pytest.fixture(autouse=True)
def _tasks_in_process(request, monkeypatch):
    """Outside the services tests, tasks run in-process even when a broker is configured
    (CI runs the whole suite against Redis): these tests check what is sent, not delivery."""
    if request.node.get_closest_marker("services"):
        return
    from bpu.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
