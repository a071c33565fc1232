#!/usr/bin/env python3
"""Checks Brake's OpenAPI document (Specs/openapi.yaml), and real responses against it.

    openapi_check.py validate DOC
        Validates DOC as an OpenAPI 3.1 document (openapi-spec-validator), schemas included.
    openapi_check.py check DOC EXCHANGES.json [--require-every-operation]
        Checks each recorded response against the schema DOC gives for its operation, status and
        media type. EXCHANGES.json is a list of
        {"method": "GET", "path": "/v1/motions/{id}", "status": 200,
         "contentType": "application/json", "body": "<the body as text>"},
        with "path" as DOC spells it (and optionally "request", the target sent, for messages).
        An exchange with "schema": "#/components/schemas/NAME" instead is checked against that
        schema alone (for a response outside every operation, such as an unknown route). JSON bodies are parsed and validated; a text/event-stream
        body is split into events (complete ones only: a recorded stream may be cut off), each
        validated against the media type's `x-brake-event-schema`; any other body is validated
        as a string. With --require-every-operation, an operation of DOC that no exchange
        exercised is a failure too.
    openapi_check.py operations DOC
        Prints "METHOD /path" for every operation of DOC, one a line.
    openapi_check.py error-codes DOC
        Prints every stable error code DOC lists in ErrorCode (its `const` values), one a line.

Exit status: 0 when everything holds, 1 when something does not (each failure printed on its
own line, saying what was seen), 2 for bad usage or a missing package (run Deploy/install-deps.sh).
"""

import json
import sys
import urllib.parse

try:
    import yaml
    from jsonschema.exceptions import best_match
    from openapi_schema_validator import OAS31Validator, oas31_format_checker
    from openapi_spec_validator import OpenAPIV31SpecValidator
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"openapi_check: {error}; run Deploy/install-deps.sh (it installs Tests/Tools/requirements.txt)", file=sys.stderr)
    sys.exit(2)

DOC_URI = "urn:brake:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as error:
        print(f"{path}: cannot be read as YAML: {error}")
        sys.exit(1)


def pointer(*parts):
    """A JSON pointer to `parts`, percent-encoded for use in a URI fragment."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return urllib.parse.quote("/" + "/".join(escaped), safe="/~")


class Document:
    def __init__(self, doc):
        self.doc = doc
        self.registry = Registry().with_resource(DOC_URI, DRAFT202012.create_resource(doc))

    def operations(self):
        for path, item in self.doc.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    yield method.upper(), path

    def validator(self, *parts):
        """A validator for the schema at `parts` inside the document, its $refs resolved there."""
        return OAS31Validator(
            {"$ref": DOC_URI + "#" + pointer(*parts)},
            registry=self.registry,
            format_checker=oas31_format_checker,
        )

    def resolve(self, node):
        """Follows a Reference Object (`$ref` to `#/components/...`) inside the document."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"cannot follow {ref}")
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def response(self, method, path, status):
        """(key, Response Object) for a status: the exact code, then its range (4XX), then default."""
        operation = self.doc.get("paths", {}).get(path, {}).get(method.lower())
        if operation is None:
            return None, None, f"{method} {path} is not an operation of the document"
        responses = operation.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in responses:
                return key, self.resolve(responses[key]), None
        return None, None, f"status {status} is not documented for {method} {path} (documented: {', '.join(responses)})"


def closest_cause(causes):
    """Of a oneOf/anyOf's causes, the most relevant one of the branch that came closest (fewest errors)."""
    branches = {}
    for cause in causes:
        branches.setdefault(tuple(cause.relative_schema_path)[:1], []).append(cause)
    return best_match(min(branches.values(), key=len))


def schema_errors(validator, instance, limit=8):
    """Readable errors of `instance`: where, what, and the value seen."""
    out = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        detail = f"{where}: {error.message}"
        if error.context:
            # oneOf/anyOf: the most relevant cause says more than "is not valid under any"
            best = closest_cause(error.context)
            detail += f" (closest: {'/'.join(str(p) for p in best.absolute_path) or '(value)'}: {best.message})"
        out.append(detail[:600])
        if len(out) == limit:
            break
    return out


def sse_events(text):
    """Complete events of a Server-Sent Events body, as {"id"?, "event", "data"} (data as text)."""
    events, fields, data = [], {}, []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line == "":
            if data or fields:
                event = dict(fields)
                event.setdefault("event", "message")
                event["data"] = "\n".join(data)
                events.append(event)
            fields, data = {}, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name in ("id", "event", "retry"):
            fields[name] = value
        else:
            fields.setdefault("unknown fields", []).append(name)
    return events


def check_exchange(document, exchange):
    """The failures of one recorded exchange, as text."""
    if "schema" in exchange:
        # A response outside every operation (an unknown route): checked against a named schema.
        try:
            instance = json.loads(exchange.get("body", ""))
        except ValueError as error:
            return [f"the body is not JSON ({error})"]
        ref = exchange["schema"]
        if not ref.startswith("#/"):
            return [f"schema {ref!r} is not a reference inside the document"]
        return schema_errors(document.validator(*(p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))), instance)
    method, path, status = exchange["method"], exchange["path"], int(exchange["status"])
    key, response, problem = document.response(method, path, status)
    if problem:
        return [problem]
    content = response.get("content")
    body = exchange.get("body", "")
    if not content:
        return [] if body == "" else [f"response {key} has no content in the document, but a body came: {body[:200]!r}"]
    seen_type = exchange.get("contentType") or ""
    media_type = seen_type.split(";")[0].strip().lower()
    if media_type not in content:
        return [f"Content-Type {seen_type!r} is not documented for response {key} (documented: {', '.join(content)})"]
    media = content[media_type]
    parts = ("paths", path, method.lower(), "responses", key)
    if "$ref" in document.doc["paths"][path][method.lower()]["responses"][key]:
        ref = document.doc["paths"][path][method.lower()]["responses"][key]["$ref"]
        parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))
    parts += ("content", media_type)
    if media_type == "application/json":
        try:
            instance = json.loads(body)
        except ValueError as error:
            return [f"the body is not JSON ({error}): {body[:200]!r}"]
        return schema_errors(document.validator(*parts, "schema"), instance)
    if media_type == "text/event-stream":
        if "x-brake-event-schema" not in media:
            return ["the document gives no x-brake-event-schema for this stream"]
        validator = document.validator(*parts, "x-brake-event-schema")
        failures = []
        events = sse_events(body)
        if not events:
            failures.append(f"the stream held no complete event: {body[:300]!r}")
        for number, event in enumerate(events):
            try:
                event["data"] = json.loads(event["data"])
            except ValueError as error:
                failures.append(f"event {number} ({event.get('id')}): data is not JSON ({error}): {event['data'][:200]!r}")
                continue
            failures += [f"event {number} (id {event.get('id')!r}, {event.get('event')}): {e}" for e in schema_errors(validator, event, limit=3)]
        return failures
    return schema_errors(document.validator(*parts, "schema"), body)


def command_validate(path):
    doc = load(path)
    if not str(doc.get("openapi", "")).startswith("3.1."):
        print(f"{path}: openapi is {doc.get('openapi')!r}, not 3.1.x")
        return 1
    try:
        errors = list(OpenAPIV31SpecValidator(doc).iter_errors())
    except Exception as error:  # an unresolvable $ref stops the validator instead of being reported
        print(f"{path}: {type(error).__name__}: {str(error)[:300]}")
        return 1
    for error in errors:
        where = "/".join(str(p) for p in getattr(error, "absolute_path", [])) or "(document)"
        print(f"{path}: {where}: {error.message}"[:800])
    if errors:
        return 1
    print(f"{path}: valid OpenAPI {doc['openapi']}, {sum(1 for _ in Document(doc).operations())} operations")
    return 0


def command_check(path, exchanges_path, require_every_operation):
    document = Document(load(path))
    with open(exchanges_path, encoding="utf-8") as f:
        exchanges = json.load(f)
    failed = 0
    for number, exchange in enumerate(exchanges):
        failures = check_exchange(document, exchange)
        if failures:
            failed += 1
            print(f"FAIL {exchange.get('method', '?')} {exchange.get('request', exchange.get('path', '?'))} -> {exchange.get('status', '?')}:")
            for failure in failures:
                print(f"    {failure}")
            print(f"    body: {exchange.get('body', '')[:400]!r}")
    exercised = {(e["method"].upper(), e["path"]) for e in exchanges if "schema" not in e}
    missing = [f"{m} {p}" for m, p in document.operations() if (m, p) not in exercised]
    if require_every_operation and missing:
        print("FAIL operations no exchange exercised: " + ", ".join(missing))
    ok = failed == 0 and not (require_every_operation and missing)
    print(f"{len(exchanges) - failed} of {len(exchanges)} responses match {path}" + ("" if ok else "; see the failures above"))
    return 0 if ok else 1


def command_error_codes(path):
    schema = load(path)["components"]["schemas"]["ErrorCode"]
    for option in schema.get("oneOf", []):
        if "const" in option:
            print(option["const"])
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "validate" and len(argv) == 2:
        return command_validate(argv[1])
    if len(argv) >= 3 and argv[0] == "check":
        flags = [a for a in argv[1:] if a.startswith("--")]
        args = [a for a in argv[1:] if not a.startswith("--")]
        if len(args) == 2 and set(flags) <= {"--require-every-operation"}:
            return command_check(args[0], args[1], "--require-every-operation" in flags)
    if len(argv) == 2 and argv[0] == "operations":
        for method, path in Document(load(argv[1])).operations():
            print(f"{method} {path}")
        return 0
    if len(argv) == 2 and argv[0] == "error-codes":
        return command_error_codes(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
