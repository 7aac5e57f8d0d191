"""Rate limits for what anyone can reach without an account: logging in, the self check-in
links and the public directory with its feeds.

Fixed windows counted in the memory of each web process (no database, no extra
service): a window opens at a key's first request and lasts the limit's seconds. So a
limit holds per process; with N gunicorn workers and R replicas a client may get up to
N x R times the figure. That is enough to blunt password guessing and scraping, which is
what these limits are for; put a shared limiter in the proxy in front if you need an exact
figure. Windows run on the service's injectable clock, so tests move time instead of
sleeping.

- Login (`POST /login` page and `POST /auth/token`, people): failed attempts count, per
  client address (`RATE_LIMIT_LOGIN`, 20 per 5 minutes) and per e-mail address
  (`RATE_LIMIT_LOGIN_ACCOUNT`, 10 per 15 minutes); once either is used up every attempt
  for it, right or wrong, is refused until its window ends.
- Views marked `@rate_limited("self_checkin")` (the self check-in page, GET and POST):
  every request per client address (`RATE_LIMIT_SELF_CHECKIN`, 30 per 5 minutes).
- A service created with `public_rate_limit="directory"` (resources): every request to a
  public endpoint, the pages and the JSON, CSV and iCalendar feeds, per client address
  (`RATE_LIMIT_DIRECTORY`, 300 a minute); health, metrics, the API description and the
  stylesheets are never limited.

Over a limit: 429 with `Retry-After` (seconds) and a problem+json body, or a plain page
for the server-rendered pages. The client address is the connecting one, or with
`TRUSTED_PROXIES=n` the n-th address from the right of `X-Forwarded-For`.
"""
from __future__ import annotations

import hashlib
import math
import threading
from typing import Callable

from flask import Flask, current_app, request

from shared.web import auth
from shared.web.problems import problem
from shared.web.security import error_page, is_page_request

RATE_LIMITED_ATTR = "_circles_rate_limit"
# Limit name -> the Settings field that holds it.
LIMITS = {
    "login": "rate_limit_login",
    "login_account": "rate_limit_login_account",
    "self_checkin": "rate_limit_self_checkin",
    "directory": "rate_limit_directory",
}
MAX_KEYS = 50_000  # windows kept per process before expired ones are swept


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


class Limiter:
    """Fixed windows per (limit name, key), in this process's memory, on `clock` (seconds)."""

    def __init__(self, clock: Callable[[], float], max_keys: int = MAX_KEYS):
        self.clock = clock
        self.max_keys = max_keys
        self._windows: dict[tuple[str, str], list[float]] = {}  # -> [window start, count]
        self._longest = 0  # the longest window any limit has asked for
        self._lock = threading.Lock()

    def _window(self, name: str, key: str, seconds: int, now: float) -> list[float]:
        self._longest = max(self._longest, seconds)
        window = self._windows.get((name, key))
        if window is None or now >= window[0] + seconds or now < window[0]:
            if len(self._windows) >= self.max_keys:
                self._sweep(now)
            window = self._windows[(name, key)] = [now, 0]
        return window

    def _sweep(self, now: float) -> None:
        """Forget windows that have ended; if that is not enough, the oldest ones."""
        for key, (start, _) in list(self._windows.items()):
            if now >= start + self._longest:
                del self._windows[key]
        if len(self._windows) >= self.max_keys:
            for key in sorted(self._windows, key=lambda k: self._windows[k][0])[:len(self._windows) // 2]:
                del self._windows[key]

    def _retry_after(self, window: list[float], seconds: int, now: float) -> int:
        return max(1, math.ceil(window[0] + seconds - now))

    def hit(self, name: str, key: str, limit: tuple[int, int] | None) -> None:
        """Count a request; raise RateLimited if it is one too many."""
        if limit is None:
            return
        count, seconds = limit
        with self._lock:
            now = self.clock()
            window = self._window(name, key, seconds, now)
            if window[1] >= count:
                raise RateLimited(self._retry_after(window, seconds, now))
            window[1] += 1

    def check(self, name: str, key: str, limit: tuple[int, int] | None) -> None:
        """Raise RateLimited if the key has used up its window, without counting."""
        if limit is None:
            return
        count, seconds = limit
        with self._lock:
            now = self.clock()
            window = self._window(name, key, seconds, now)
            if window[1] >= count:
                raise RateLimited(self._retry_after(window, seconds, now))

    def add(self, name: str, key: str, limit: tuple[int, int] | None) -> None:
        """Count one (a failed login) without refusing anything now."""
        if limit is None:
            return
        with self._lock:
            now = self.clock()
            self._window(name, key, limit[1], now)[1] += 1

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()


def rate_limited(name: str):
    """Count every request to this view against the named limit, per client address."""
    if name not in LIMITS:
        raise ValueError(f"unknown rate limit {name!r}; one of {sorted(LIMITS)}")

    def decorator(view):
        setattr(view, RATE_LIMITED_ATTR, name)
        return view
    return decorator


def limiter_of(app: Flask) -> Limiter:
    return app.extensions["circles_rate_limits"]


def _limit(name: str) -> tuple[int, int] | None:
    return getattr(current_app.extensions["circles"].settings, LIMITS[name])


def client_address() -> str:
    hops = current_app.extensions["circles"].settings.trusted_proxies
    if hops > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def _account(email: str) -> str:
    # A digest: the limiter holds no e-mail addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def guard_login(email: str) -> None:
    """Before checking a password: refuse if this address or this account failed too often."""
    limiter = limiter_of(current_app)
    limiter.check("login", client_address(), _limit("login"))
    limiter.check("login_account", _account(email), _limit("login_account"))


def login_failed(email: str) -> None:
    limiter = limiter_of(current_app)
    limiter.add("login", client_address(), _limit("login"))
    limiter.add("login_account", _account(email), _limit("login_account"))


def _named_limit() -> str | None:
    if request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    for candidate in (view, method):
        while candidate is not None:
            name = getattr(candidate, RATE_LIMITED_ATTR, None) or getattr(
                getattr(candidate, "view_class", None), RATE_LIMITED_ATTR, None)
            if name:
                return name
            candidate = getattr(candidate, "__wrapped__", None)
    public_limit = current_app.config.get("CIRCLES_PUBLIC_RATE_LIMIT")
    if (public_limit and request.blueprint != "ops" and auth.is_public_request()
            and request.endpoint not in current_app.config.get("CIRCLES_PUBLIC_ENDPOINTS", ())):
        return public_limit
    return None


def _before_request():
    if request.method == "OPTIONS":
        return None
    name = _named_limit()
    if name is not None:
        limiter_of(current_app).hit(name, client_address(), _limit(name))
    return None


def too_many_requests(error: RateLimited):
    headers = {"Retry-After": str(error.retry_after)}
    detail = f"Too many requests from here; please try again in {error.retry_after} seconds."
    if is_page_request():
        return error_page(429, "Please wait a moment", detail, headers=headers)
    return problem(429, "Too Many Requests", detail, headers=headers)


def install(app: Flask, public_limit: str | None = None) -> None:
    """The limiter on the service clock; `public_limit` names the limit every public
    endpoint counts against (resources: "directory")."""
    if public_limit is not None and public_limit not in LIMITS:
        raise ValueError(f"unknown rate limit {public_limit!r}")
    runtime = app.extensions["circles"]
    app.extensions["circles_rate_limits"] = Limiter(lambda: runtime.clock.now().timestamp())
    app.config["CIRCLES_PUBLIC_RATE_LIMIT"] = public_limit
    app.before_request(_before_request)
    app.register_error_handler(RateLimited, too_many_requests)
