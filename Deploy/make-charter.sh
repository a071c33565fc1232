#!/usr/bin/env bash
# Makes the three-party charter of Deploy/charter-template.json for real: each party generates its
# key, each node operator makes the node's identity (TLS key and certificate, checkpoint key), one
# party drafts the charter from the node entries, every party signs it, anyone verifies it.
# In a real federation each party runs its own keygen, node init and sign on its own machines; only
# the public files (KEY.pub, node.pub.json, the charter) travel between them. Usage: Deploy/make-charter.sh OUT-DIR
set -euo pipefail
out=${1:?usage: make-charter.sh OUT-DIR}
bin=$(cd "$(dirname "$0")/.." && swift build --show-bin-path)
mkdir -p "$out"
for p in lab-a lab-b gov-a; do "$bin/brakectl" keygen --party "$p" --out "$out/$p.key"; done
for n in "node-a lab-a brake.lab-a.example:7401" "node-b lab-b brake.lab-b.example:7401" "node-g gov-a brake.gov-a.example:7401"; do
  read -r id party address <<<"$n"
  "$bin/brakectl" node init --dir "$out/$id" --id "$id" --party "$party" --address "$address"
done
"$bin/brakectl" charter init --federation example-pact-2027 \
  --party "lab-a:Example Lab A:lab:$out/lab-a.key.pub" \
  --party "lab-b:Example Lab B:lab:$out/lab-b.key.pub" \
  --party "gov-a:Example Government A:government:$out/gov-a.key.pub" \
  --node-file "$out/node-a/node.pub.json" \
  --node-file "$out/node-b/node.pub.json" \
  --node-file "$out/node-g/node.pub.json" \
  --trigger 2:any --lift 2:any,1:government --amend 3:any \
  --out "$out/charter.dsse.json"
for p in lab-a lab-b gov-a; do "$bin/brakectl" charter sign "$out/charter.dsse.json" --key "$out/$p.key"; done
"$bin/brakectl" charter verify "$out/charter.dsse.json"
