"""A working day on bpu: members and researchers reading their units.

Run through ``make load`` (it starts gunicorn on PostgreSQL with the load data);
by hand: ``locust -f loadtest/locustfile.py --host http://127.0.0.1:8107``.
Only ever point it at 127.0.0.1.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

from loadtest.seed import LOAD_PASSWORD, PEOPLE, memberships_of

RESEARCH_ROLES = {"facilitator", "researcher", "manager"}
_numbers = itertools.count()
# Sessions made by `make load` before the run (see loadtest.seed.signed_in_sessions);
# without them every simulated person logs in through the form first.
SIGNED_IN = (
    json.loads(Path(os.environ["LOAD_SESSIONS"]).read_text())
    if os.environ.get("LOAD_SESSIONS")
    else []
)


class UnitMember(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        # Each simulated person is a different account (lock-out is per account + address).
        number = next(_numbers)
        self.sessions: dict[str, list[str]] = {}
        if SIGNED_IN:
            signed_in = SIGNED_IN[number % len(SIGNED_IN)]
            self.person = signed_in["person"]
            self.client.cookies.set(signed_in["cookie"], signed_in["key"])
        else:
            self.person = number % PEOPLE
            self.log_in()
        self.units = memberships_of(self.person)

    def log_in(self):
        page = self.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {
                "username": f"load{self.person:03d}@example.org",
                "password": LOAD_PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            allow_redirects=False,
            name="log in",
        )
        self._loopback_cookies()
        if response.status_code != 302:
            raise RuntimeError(f"login failed for person {self.person}: {response.status_code}")

    def _loopback_cookies(self):
        # Production cookies are Secure (HTTPS only); this test talks plain HTTP on
        # loopback, so the cookies are made sendable over it.
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code >= 400:
                response.failure(f"{response.status_code} for {path}")
            elif "/accounts/login/" in response.url and not path.startswith("/accounts/login/"):
                response.failure(f"sent to the login page from {path}")
        self._loopback_cookies()
        return response

    def _unit(self, research=False):
        units = [u for u in self.units if not research or u[1] in RESEARCH_ROLES]
        return random.choice(units or self.units)  # noqa: S311

    @task(3)
    def dashboard(self):
        self.get("/", name="dashboard")

    @task(3)
    def unit(self):
        slug, _role = self._unit()
        self.get(f"/units/{slug}/", name="unit")

    @task(2)
    def sessions(self):
        slug, _role = self._unit()
        page = self.get(f"/units/{slug}/sessions/", name="sessions")
        self.sessions[slug] = re.findall(rf"/units/{slug}/sessions/(\d+)/", page.text)

    @task(2)
    def session(self):
        slug, _role = self._unit()
        if not self.sessions.get(slug):
            return self.sessions_of(slug)
        pk = random.choice(self.sessions[slug])  # noqa: S311
        self.get(f"/units/{slug}/sessions/{pk}/", name="session")

    def sessions_of(self, slug):
        page = self.get(f"/units/{slug}/sessions/", name="sessions")
        self.sessions[slug] = re.findall(rf"/units/{slug}/sessions/(\d+)/", page.text)

    @task(1)
    def experiments(self):
        slug, _role = self._unit()
        self.get(f"/units/{slug}/phases/experiments/", name="experiments")

    @task(2)
    def research(self):
        slug, role = self._unit(research=True)
        if role in RESEARCH_ROLES:
            self.get(f"/units/{slug}/research/statistics/", name="research statistics")
        else:
            self.get(f"/units/{slug}/phases/", name="phases")

    @task(2)
    def reports(self):
        slug, _role = self._unit()
        page = self.get(f"/units/{slug}/reports/", name="reports")
        ids = re.findall(rf"/units/{slug}/reports/(\d+)/", page.text)
        if ids:
            pk = random.choice(ids)  # noqa: S311
            self.get(f"/units/{slug}/reports/{pk}/status/", name="report status")
