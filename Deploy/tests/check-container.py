#!/usr/bin/env python3
"""Checks the container recipe against the repository and against what runs it.

No container engine runs on the build machines, so the image is never built here; this checks what can be
checked without one (Tests/IntegrationTests/DeployFileTests.swift runs it):

- the Containerfile parses; every stage's base is a declared ARG or a name; every COPY --from names an earlier
  stage; every file copied from the build context exists in the repository and is not left out by .dockerignore;
- every product it builds is an executable product of Package.swift, and each binary it installs was built;
- the runtime stage runs as a non-root user, and its ENTRYPOINT and HEALTHCHECK run installed programs;
- every program that compose.yaml and the Kubernetes manifests run inside the image is installed by it.

Usage: check-container.py REPOSITORY_ROOT. Prints what is wrong and exits 1, or exits 0.
"""
import fnmatch
import json
import os
import re
import shlex
import sys

import yaml
from dockerfile_parse import DockerfileParser


def main(root):
    problems = []
    containerfile = os.path.join(root, "Deploy/container/Containerfile")
    with open(containerfile, "rb") as handle:
        parser = DockerfileParser(fileobj=handle)
        structure = parser.structure

    ignored = []
    with open(os.path.join(root, ".dockerignore")) as handle:
        ignored = [line.strip() for line in handle if line.strip() and not line.startswith("#")]

    with open(os.path.join(root, "Package.swift")) as handle:
        products = set(re.findall(r'\.executable\(name: "([^"]+)"', handle.read()))

    args = set()
    stages = []
    built = set()
    installed = set()  # paths in the final image
    user = None
    entrypoint = None
    healthcheck = None
    for item in structure:
        instruction, value = item["instruction"], item["value"]
        if instruction == "ARG":
            args.add(value.split("=", 1)[0])
        elif instruction == "FROM":
            words = value.split()
            base = words[0]
            variable = re.fullmatch(r"\$\{?(\w+)\}?", base)
            if variable and variable.group(1) not in args:
                problems.append(f"FROM {base}: no ARG {variable.group(1)} before it")
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(name)
            installed = set()
            user = None
        elif instruction == "RUN":
            for product in re.findall(r"--product\s+(\S+)", value):
                if product not in products:
                    problems.append(f"RUN builds --product {product}, which Package.swift does not declare")
                built.add(product)
        elif instruction == "COPY":
            words = shlex.split(value)
            source_stage = None
            while words and words[0].startswith("--"):
                flag = words.pop(0)
                if flag.startswith("--from="):
                    source_stage = flag.split("=", 1)[1]
            *sources, destination = words
            if source_stage is not None:
                if source_stage not in stages[:-1]:
                    problems.append(f"COPY --from={source_stage}: no earlier stage of that name")
                for source in sources:
                    binary = os.path.basename(source)
                    if source.startswith("/out/") and binary not in built:
                        problems.append(f"COPY --from={source_stage} {source}: the build stage does not build {binary}")
            else:
                for source in sources:
                    if not os.path.exists(os.path.join(root, source)):
                        problems.append(f"COPY {source}: no such file in the repository")
                    for pattern in ignored:
                        if fnmatch.fnmatch(source, pattern) or source.startswith(pattern.rstrip("/") + "/"):
                            problems.append(f"COPY {source}: left out of the build context by .dockerignore ({pattern})")
            for source in sources:
                if destination.endswith("/"):
                    installed.add(destination + os.path.basename(source))
                else:
                    installed.add(destination)
        elif instruction == "USER":
            user = value.split(":")[0]
        elif instruction == "ENTRYPOINT":
            entrypoint = json.loads(value)
        elif instruction == "HEALTHCHECK":
            match = re.search(r"CMD\s+(\[.*\])", value)
            healthcheck = json.loads(match.group(1)) if match else None

    if len(stages) < 2:
        problems.append("expected a build stage and a runtime stage")
    if user in (None, "root", "0"):
        problems.append(f"the runtime stage runs as {user or 'root (no USER)'}; it must run as the brake user")
    for name, command in (("ENTRYPOINT", entrypoint), ("HEALTHCHECK", healthcheck)):
        if not command:
            problems.append(f"no {name} in the runtime stage")
        elif command[0] not in installed:
            problems.append(f"{name} runs {command[0]}, which the image does not install")

    # What the orchestration files run inside the image must be in it.
    def check_program(where, program):
        if program.startswith("/") and program not in installed and not program.startswith("/bin/"):
            problems.append(f"{where} runs {program}, which the image does not install")

    with open(os.path.join(root, "Deploy/container/compose.yaml")) as handle:
        compose = yaml.safe_load(handle)
    for name, service in compose.get("services", {}).items():
        for key in ("entrypoint", "command"):
            value = service.get(key)
            if isinstance(value, list) and value:
                check_program(f"compose service {name} ({key})", value[0])
                if value[0] == "/bin/sh":
                    for word in re.findall(r"\b(brake[a-z-]*)\b", " ".join(value[1:])):
                        if not any(path.endswith("/" + word) for path in installed):
                            problems.append(f"compose service {name} runs {word}, which the image does not install")
        health = service.get("healthcheck", {}).get("test")
        if isinstance(health, list) and len(health) > 1:
            check_program(f"compose service {name} (healthcheck)", health[1])

    for manifest in ("braked-statefulset.yaml", "training-job.yaml"):
        with open(os.path.join(root, "Deploy/kubernetes", manifest)) as handle:
            documents = [doc for doc in yaml.safe_load_all(handle) if doc]
        for doc in documents:
            spec = doc.get("spec", {}).get("template", {}).get("spec", {})
            for container in spec.get("initContainers", []) + spec.get("containers", []):
                if not str(container.get("image", "")).startswith("brake:"):
                    continue
                where = f"{manifest} container {container['name']}"
                command = container.get("command") or []
                if command:
                    check_program(where, command[0])
                text = " ".join(command + (container.get("args") or []))
                for program in re.findall(r"(/usr/local/\S+)", text):
                    check_program(where, program.strip("\"'"))
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    probe_command = container.get(probe, {}).get("exec", {}).get("command")
                    if probe_command:
                        check_program(f"{where} ({probe})", probe_command[0])

    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
