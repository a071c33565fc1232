#!/usr/bin/env python3
"""Verifies every DSSE envelope of a Brake log bundle (Specs/bundle.md) with securesystemslib, an
implementation of DSSE that shares no code with Brake: the charter envelope under its own parties'
keys, then every entry's envelope, each signature under the charter key its keyid names.

usage: dsse_check.py BUNDLE
prints one JSON object: {"ok": true, "entries": N, "signatures": M, "charterSignatures": K}, or
{"ok": false, "error": "entry 57: ..."}; exit 0 when everything verifies, 1 when something does not,
2 on a bundle it cannot read."""
import base64, json, sys

from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import SSlibKey


def keys_of(charter_payload):
    """Every party key of the charter, keyed by Brake's keyid (hex SHA-256 of the raw key)."""
    import hashlib
    keys = {}
    for party in charter_payload["parties"]:
        for b64 in party["keys"]:
            raw = base64.b64decode(b64, validate=True)
            keyid = hashlib.sha256(raw).hexdigest()
            keys[keyid] = SSlibKey(keyid, "ed25519", "ed25519", {"public": raw.hex()})
    return keys


def verify(envelope_dict, keys, where):
    """All signatures of the envelope must verify, each under the key its keyid names."""
    envelope = Envelope.from_dict(json.loads(json.dumps(envelope_dict)))
    if not envelope.signatures:
        raise VerificationError(f"{where}: no signatures")
    unknown = [k for k in envelope.signatures if k not in keys]
    if unknown:
        raise VerificationError(f"{where}: signature by keyid {unknown[0]}, no key of the charter")
    try:
        envelope.verify(list(keys.values()), len(envelope.signatures))
    except VerificationError as error:
        raise VerificationError(f"{where}: {error}") from None
    return envelope, len(envelope.signatures)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        lines = open(sys.argv[1], "rb").read().split(b"\n")
        header = json.loads(lines[0])
    except (OSError, ValueError) as error:
        print(json.dumps({"ok": False, "error": f"cannot read the bundle: {error}"}))
        return 2
    try:
        charter_payload = json.loads(base64.b64decode(header["charter"]["payload"]))
        keys = keys_of(charter_payload)
        _, charter_signatures = verify(header["charter"], keys, "charter")
        entries = signatures = 0
        for number, line in enumerate(lines[1:], start=2):
            if not line:
                continue
            try:
                entry = json.loads(line)
                where = f"entry {entry['index']}"
                _, count = verify(entry["envelope"], keys, where)
            except (ValueError, KeyError, TypeError) as error:
                raise VerificationError(f"line {number}: {error!r}") from None
            entries += 1
            signatures += count
    except (VerificationError, ValueError, KeyError, TypeError) as error:
        print(json.dumps({"ok": False, "error": str(error)}))
        return 1
    print(json.dumps({"ok": True, "entries": entries, "signatures": signatures, "charterSignatures": charter_signatures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
