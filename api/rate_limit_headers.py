"""The IETF ``RateLimit-Policy`` and ``RateLimit`` headers (draft-ietf-httpapi-ratelimit-headers,
the structured-field syntax of draft -09 and later):

    RateLimit-Policy: "sign-in";q=5;w=300
    RateLimit: "sign-in";r=3;t=120

``q`` is the quota, ``w`` the window in seconds, ``r`` what remains of the quota and ``t`` the
seconds until it is restored. A client that reads them slows down before it meets a 429.

Every limited route uses this one helper: give it the limiter's policy name, quota, window,
what remains and when it resets, and add the result to the answer (429s included).
"""

from __future__ import annotations


def rate_limit_headers(
    policy: str, *, quota: int, window: int, remaining: int, reset: int
) -> dict[str, str]:
    name = policy.replace("\\", "\\\\").replace('"', '\\"')  # an sf-string
    return {
        "RateLimit-Policy": f'"{name}";q={quota};w={window}',
        "RateLimit": f'"{name}";r={max(remaining, 0)};t={max(reset, 0)}',
    }
