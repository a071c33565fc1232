#!/usr/bin/env bash
# Installs the system packages Brake needs when they are missing: liblmdb-dev (the store) and
# spin (the model checker of Specs/); and the validators the operator's kit (Deploy/) is tested
# with: systemd-analyze (systemd), promtool (prometheus), yamllint, docker-compose (its config
# check needs no engine), shellcheck and curl from Debian, kubernetes-validate (the Kubernetes
# schemas) and dockerfile-parse from PyPI. Debian/Ubuntu; uses sudo when not root.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
dpkg -s liblmdb-dev >/dev/null 2>&1 || missing+=(liblmdb-dev)
command -v spin >/dev/null 2>&1 || missing+=(spin)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

tools=()
command -v systemd-analyze >/dev/null 2>&1 || tools+=(systemd)
command -v promtool >/dev/null 2>&1 || tools+=(prometheus)
command -v yamllint >/dev/null 2>&1 || tools+=(yamllint)
command -v docker-compose >/dev/null 2>&1 || tools+=(docker-compose)
command -v shellcheck >/dev/null 2>&1 || tools+=(shellcheck)
command -v curl >/dev/null 2>&1 || tools+=(curl)
if [ ${#tools[@]} -gt 0 ]; then
    echo "installing: ${tools[*]}"
    [ ${#missing[@]} -gt 0 ] || $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${tools[@]}"
fi

python=()
command -v kubernetes-validate >/dev/null 2>&1 || python+=(kubernetes-validate)
python3 -c 'import dockerfile_parse, yaml' >/dev/null 2>&1 || python+=(dockerfile-parse PyYAML)
if [ ${#python[@]} -gt 0 ]; then
    echo "installing (PyPI): ${python[*]}"
    $sudo python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${python[@]}"
    # pyenv's shims learn of new commands on a rehash.
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
fi
