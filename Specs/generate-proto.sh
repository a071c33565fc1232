#!/usr/bin/env bash
# Regenerates Sources/BrakeNet/Wire/peer.pb.swift from Specs/peer.proto.
#
# Run it by hand after editing peer.proto and commit both files together; CI never regenerates,
# it only compiles the committed Swift. Needs protoc (apt-get install -y protobuf-compiler) and
# protoc-gen-swift built from swift-protobuf at the version Package.resolved pins (1.39.0):
#
#   git clone https://github.com/apple/swift-protobuf.git /tmp/swift-protobuf
#   git -C /tmp/swift-protobuf checkout 1.39.0
#   (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
#   PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/release/protoc-gen-swift Specs/generate-proto.sh
set -euo pipefail
cd "$(dirname "$0")/.."

plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}"
if [[ -z "$plugin" || ! -x "$plugin" ]]; then
    echo "generate-proto.sh: set PROTOC_GEN_SWIFT to a protoc-gen-swift 1.39.0 binary (see the comment at the top)" >&2
    exit 64
fi
version="$("$plugin" --version)"
if [[ "$version" != *"1.39.0"* ]]; then
    echo "generate-proto.sh: $plugin is \"$version\"; use 1.39.0 so the output matches the runtime" >&2
    exit 64
fi

protoc \
    --plugin=protoc-gen-swift="$plugin" \
    --proto_path=Specs \
    --swift_opt=Visibility=Internal \
    --swift_out=Sources/BrakeNet/Wire \
    Specs/peer.proto
echo "wrote Sources/BrakeNet/Wire/peer.pb.swift"
