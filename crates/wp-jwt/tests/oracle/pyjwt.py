# For each JSON line {"alg", "secret", "claims_json", "ours"} on standard input: the token
# PyJWT mints for the claims with php-jwt's header order, and whether PyJWT verifies ours and
# reads back the same claims. One line out per line in: "<token> <ok|error text>".
import json
import sys

import warnings

import jwt

warnings.simplefilter("ignore")  # short test secrets are the point, not a mistake

for line in sys.stdin:
    case = json.loads(line)
    alg, secret = case["alg"], case["secret"].encode()
    claims = json.loads(case["claims_json"])
    theirs = jwt.encode(claims, secret, algorithm=alg,
                        headers={"typ": "JWT", "alg": alg}, sort_headers=False)
    try:
        back = jwt.decode(case["ours"], secret, algorithms=[alg],
                          options={"verify_signature": True, "verify_exp": False,
                                   "verify_nbf": False, "verify_iat": False,
                                   "verify_iss": False, "verify_aud": False})
        verdict = "ok" if back == claims else "claims-differ"
    except Exception as e:  # noqa: BLE001 - report any refusal as text
        verdict = type(e).__name__
    print(theirs, verdict)
