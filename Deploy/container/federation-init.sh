#!/bin/sh
# Makes a trial federation of N parties and N nodes for Deploy/container/compose.yaml, once.
#
# Usage: federation-init.sh [N]        (N default 3; at least 1)
# Environment: BRAKE_FEDERATION_DIR (default /etc/brake), BRAKE_FEDERATION (the federation id, default
# brake-compose), BRAKE_NODE_HOST (the peer host of node i, with %d for i; default node-%d, the compose
# service names), BRAKE_PEER_PORT (default 7401), BRAKE_LISTEN_HOST (where each node's peer listener
# binds, default 0.0.0.0), BRAKE_DATA_DIR and BRAKE_SOCKET (what each node's config names; defaults
# /var/lib/brake and /run/brake/brake.sock).
#
# It writes DIR/keys/pI.key (party keys: odd parties labs, even ones governments), DIR/node-I/identity
# (node identities), DIR/node-I/node.json (configs) and DIR/charter.dsse.json, signed by every party.
# A trial only: in a real federation each party makes its own key and node identity on its own
# machines, and only public files travel (Deploy/OPERATORS.md, "A first federation").
# When DIR/charter.dsse.json exists it does nothing, so every `compose up` may run it.
set -eu
n=${1:-3}
dir=${BRAKE_FEDERATION_DIR:-/etc/brake}
federation=${BRAKE_FEDERATION:-brake-compose}
host_pattern=${BRAKE_NODE_HOST:-node-%d}
port=${BRAKE_PEER_PORT:-7401}
listen_host=${BRAKE_LISTEN_HOST:-0.0.0.0}
data_dir=${BRAKE_DATA_DIR:-/var/lib/brake}
socket=${BRAKE_SOCKET:-/run/brake/brake.sock}
brakectl=${BRAKECTL:-brakectl}

if [ -f "$dir/charter.dsse.json" ]; then
    echo "federation-init: $dir/charter.dsse.json exists; nothing to do"
    exit 0
fi
case $n in
    '' | *[!0-9]*) echo "federation-init: N must be a number, not $n" >&2; exit 64 ;;
esac
[ "$n" -ge 1 ] || { echo "federation-init: N must be at least 1" >&2; exit 64; }

umask 077
mkdir -p "$dir/keys"
majority=$((n / 2 + 1))
# A lift needs a government when there is one (party 2 is the first).
lift="$majority:any"
[ "$n" -ge 2 ] && lift="$majority:any,1:government"
trigger=2:any
[ "$n" -ge 2 ] || trigger=1:any

set --
i=1
while [ "$i" -le "$n" ]; do
    party="p$i"
    class=lab
    [ $((i % 2)) -eq 0 ] && class=government
    # shellcheck disable=SC2059
    host=$(printf "$host_pattern" "$i")
    rm -f "$dir/keys/$party.key" "$dir/keys/$party.key.pub"
    "$brakectl" keygen --party "$party" --out "$dir/keys/$party.key" >/dev/null
    rm -rf "$dir/node-$i"
    "$brakectl" node init --dir "$dir/node-$i/identity" --id "node-$i" --party "$party" --address "$host:$port" >/dev/null
    cat >"$dir/node-$i/node.json" <<JSON
{"dataDir": "$data_dir", "socket": "$socket", "charter": "../charter.dsse.json", "node": "node-$i",
 "identity": "identity", "listen": "$listen_host:$port"}
JSON
    chmod 0644 "$dir/node-$i/node.json"
    set -- "$@" --party "$party:Party $i:$class:$dir/keys/$party.key.pub" --node-file "$dir/node-$i/identity/node.pub.json"
    i=$((i + 1))
done

draft="$dir/charter.dsse.json.draft"
rm -f "$draft"
"$brakectl" charter init --federation "$federation" "$@" \
    --trigger "$trigger" --lift "$lift" --amend "$majority:any" --out "$draft" >/dev/null
i=1
while [ "$i" -le "$n" ]; do
    "$brakectl" charter sign "$draft" --key "$dir/keys/p$i.key" >/dev/null
    i=$((i + 1))
done
"$brakectl" charter verify "$draft" >/dev/null
chmod 0644 "$draft"
mv "$draft" "$dir/charter.dsse.json"
echo "federation-init: federation $federation of $n nodes in $dir (trigger $trigger, lift $lift, amend $majority:any)"
