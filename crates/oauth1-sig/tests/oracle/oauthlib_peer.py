"""Differential-test peer for tests/oracle_oauthlib.rs: oauthlib's own Client signs each
request, and oauthlib's signature module computes the base string of the signed request.

Input on stdin, one JSON object per line:
  {"method", "url", "body" (str or null), "ck", "cs", "tk" (or null), "ts" (or null), "sm"}
Output, one JSON object per line: {"authorization", "base_string"} or {"error"}.
"""
import json
import sys
from urllib.parse import urlparse

from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature

FORM = "application/x-www-form-urlencoded"

for line in sys.stdin:
    r = json.loads(line)
    try:
        client = Client(
            r["ck"],
            client_secret=r["cs"],
            resource_owner_key=r["tk"],
            resource_owner_secret=r["ts"],
            signature_method=r["sm"],
        )
        headers = {"Content-Type": FORM} if r["body"] is not None else {}
        uri, signed_headers, body = client.sign(
            r["url"], http_method=r["method"], body=r["body"], headers=headers
        )
        params = signature.collect_parameters(
            uri_query=urlparse(uri).query,
            body=body if r["body"] is not None else None,
            headers=signed_headers,
            exclude_oauth_signature=True,
        )
        base = signature.signature_base_string(
            r["method"],
            signature.base_string_uri(uri),
            signature.normalize_parameters(params),
        )
        out = {"authorization": signed_headers["Authorization"], "base_string": base}
    except Exception as e:  # reported, and the Rust side fails the case
        out = {"error": f"{type(e).__name__}: {e}"}
    sys.stdout.write(json.dumps(out) + "\n")
