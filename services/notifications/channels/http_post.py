"""One HTTP POST for the SMS and webhook channels, with the shared error mapping.

No retries here: requests' default adapter makes none, and the dispatcher owns the retry
schedule, so a slow provider is never hit twice from inside one attempt.
"""
from __future__ import annotations

import requests

from services.notifications.channels.base import DeliveryError

# The URL itself is wrong: no later attempt can succeed.
_BAD_URL = (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader)


def post(url: str, *, timeout: float, what: str, **kwargs) -> requests.Response:
    """POST and return a 2xx response, or raise DeliveryError saying whether to try again."""
    try:
        # Redirects are not followed: a provider or hook that moved is a configuration
        # problem, and following a POST elsewhere would send the body somewhere unchecked.
        response = requests.post(url, timeout=timeout, allow_redirects=False, **kwargs)
    except _BAD_URL as exc:
        raise DeliveryError(f"{what}: unusable URL: {exc}", transient=False) from exc
    except requests.RequestException as exc:  # refused, reset, timed out, TLS failure
        raise DeliveryError(f"{what} unreachable: {exc!r}", transient=True) from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"{what} answered {response.status_code}: {_snippet(response)}",
                            transient=is_transient_status(response.status_code))
    return response


def is_transient_status(status: int) -> bool:
    """429 (slow down) and 5xx may pass later; any other refusal will not."""
    return status == 429 or status >= 500


def json_field(response: requests.Response, *names: str) -> str | None:
    """The first of the named fields in a JSON object reply, if the reply has one."""
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for name in names:
        if data.get(name) not in (None, ""):
            return str(data[name])
    return None


def _snippet(response: requests.Response, limit: int = 200) -> str:
    text = " ".join(response.text.split())
    return text[:limit] + ("..." if len(text) > limit else "")
