#!/usr/bin/env bash
# Installs what is missing (Deploy/install-deps.sh), builds Brake and runs the dev federation.
# Usage: Deploy/dev.sh [--data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
Deploy/install-deps.sh
swift build
echo "brakectl is at $(swift build --show-bin-path)/brakectl; add that folder to PATH"
exec "$(swift build --show-bin-path)/braked" --dev "$@"
