#!/usr/bin/env python3
"""Writes pairs of (JSON text, RFC 8785 canonical form) for random integer-only JSON values.

The canonical forms come from a stock JCS implementation, the `rfc8785` package on PyPI (0.1.4), so
that Brake's canonical writer is checked against someone else's reading of RFC 8785, not its own.
The values are what Brake's JSON holds: objects, arrays, strings (controls, quotes, backslashes,
slashes, DEL, non-ASCII, characters above U+FFFF, and keys whose UTF-16 order differs from their
UTF-8 order), integers within +-(2^53 - 1), booleans and null. The input texts vary what canonical
form removes: key order, whitespace, escapes (\\u forms, \\/), ASCII-only or raw UTF-8.

Usage: generate.py > rfc8785-python.json   (deterministic: the seed is fixed)
"""
import json
import random
import sys

import rfc8785

SEED = 8785
COUNT = 300
MAX_SAFE = 2**53 - 1

# Characters chosen for what canonical JSON must get right.
SPECIAL = (
    [chr(c) for c in range(0x00, 0x20)]
    + ['"', "\\", "/", "\x7f", "\u0080", "\u00e9", "\u00f6", "\u2028", "\u2029", "\u20ac", "\u212a",
       "\u0301", "\ue000", "\ufb33", "\ufeff", "\uffff", "\U00010000", "\U0001f600", "\U0010ffff"]
)
ASCII = [chr(c) for c in range(0x20, 0x7f)]


def random_string(rng, max_len):
    out = []
    for _ in range(rng.randint(0, max_len)):
        out.append(rng.choice(SPECIAL) if rng.random() < 0.35 else rng.choice(ASCII))
    return "".join(out)


def random_int(rng):
    edge = [0, 1, -1, 9, 10, -10, 2**31, -(2**31), 2**32, 10**15, MAX_SAFE, -MAX_SAFE, MAX_SAFE - 1]
    if rng.random() < 0.3:
        return rng.choice(edge)
    return rng.randint(-MAX_SAFE, MAX_SAFE) // (10 ** rng.randint(0, 15))


def random_value(rng, depth):
    kinds = ["string", "int", "bool", "null"] + (["object", "array"] * 2 if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == "string":
        return random_string(rng, 12)
    if kind == "int":
        return random_int(rng)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "array":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    obj = {}
    for _ in range(rng.randint(0, 6)):
        obj[random_string(rng, 4)] = random_value(rng, depth + 1)
    return obj


def shuffled(rng, value):
    """The same value with every object's keys in a random insertion order."""
    if isinstance(value, dict):
        keys = list(value.keys())
        rng.shuffle(keys)
        return {k: shuffled(rng, value[k]) for k in keys}
    if isinstance(value, list):
        return [shuffled(rng, v) for v in value]
    return value


def spelled(rng, value):
    text = json.dumps(
        shuffled(rng, value),
        ensure_ascii=rng.random() < 0.5,
        indent=rng.choice([None, None, 1, 2]),
        separators=rng.choice([(",", ":"), (", ", ": "), (",", " : ")]) if rng.random() < 0.7 else None,
    )
    if rng.random() < 0.3:
        text = text.replace("/", "\\/")  # an escape canonical form drops
    return text


def main():
    rng = random.Random(SEED)
    cases = []
    # The key-order case RFC 8785 section 3.2.3 shows, and its own string example (section 3.2.2).
    fixed = [
        {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
         "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"},
        {"string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/", "literals": [None, True, False]},
    ]
    values = fixed + [random_value(rng, 0) for _ in range(COUNT)]
    for value in values:
        cases.append({"input": spelled(rng, value), "canonical": rfc8785.dumps(value).decode("utf-8")})
    json.dump({"generator": "Tests/Vectors/jcs/generate.py", "library": "rfc8785 0.1.4", "seed": SEED,
               "cases": cases}, sys.stdout, ensure_ascii=True, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
