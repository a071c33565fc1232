#!/usr/bin/env bash
# Installs what Brake's build and tests need when it is missing: liblmdb-dev (the store), spin (the
# model checker of Specs/), and the Python environment of the OpenAPI checker
# (Tests/Tools/openapi_check.py, run by Tests/IntegrationTests/OpenAPITests.swift). Debian 12
# packages no OpenAPI 3.1 validator, so that environment is a venv under .build-tools/python with
# the pinned packages of Tests/Tools/requirements.txt from PyPI. Debian/Ubuntu; uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
dpkg -s liblmdb-dev >/dev/null 2>&1 || missing+=(liblmdb-dev)
command -v spin >/dev/null 2>&1 || missing+=(spin)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -x /usr/bin/python3 ] || missing+=(python3)
dpkg -s python3-venv >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

venv=.build-tools/python
stamp="$venv/requirements.txt"
if ! cmp -s Tests/Tools/requirements.txt "$stamp" \
    || ! "$venv/bin/python3" -c 'import openapi_spec_validator, openapi_schema_validator, yaml' 2>/dev/null; then
    echo "installing the OpenAPI checker's Python packages into $venv"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r Tests/Tools/requirements.txt
    cp Tests/Tools/requirements.txt "$stamp"
fi
