#!/usr/bin/env bash
# Installs what Brake's build and tests need when it is missing. From Debian: liblmdb-dev (the
# store), spin (the model checker of Specs/), and the validators the operator's kit (Deploy/) is
# tested with: systemd-analyze (systemd), promtool (prometheus), yamllint, docker-compose (its
# config check needs no engine), shellcheck and curl; chromium, the headless browser the public page
# is tested in (Tests/IntegrationTests/PublicPageTests.swift). From PyPI, pinned in
# Tests/Tools/requirements.txt, into one venv under .build-tools/python: the OpenAPI 3.1 checker
# (Debian 12 packages no OpenAPI 3.1 validator), kubernetes-validate, dockerfile-parse and cryptography.
# Debian/Ubuntu; uses sudo when not root.
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
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v yamllint >/dev/null 2>&1 || missing+=(yamllint)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

venv=.build-tools/python
stamp="$venv/requirements.txt"
if ! cmp -s Tests/Tools/requirements.txt "$stamp" \
    || ! "$venv/bin/python3" -c 'import openapi_spec_validator, openapi_schema_validator, yaml, dockerfile_parse, cryptography' 2>/dev/null \
    || [ ! -x "$venv/bin/kubernetes-validate" ]; then
    echo "installing the test tools' Python packages into $venv"
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r Tests/Tools/requirements.txt
    cp Tests/Tools/requirements.txt "$stamp"
fi
