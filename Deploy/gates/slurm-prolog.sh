#!/bin/sh
# Slurm prolog: a job starts only when the Brake node says its scope is clear. Fails closed.
#
# slurm.conf, either (recommended) on the controller, where a job that is held back is requeued
# (batch jobs) or cancelled (salloc/srun) and no node is drained:
#     PrologSlurmctld=/usr/local/lib/brake/slurm-prolog.sh
# or on every compute node, where a failing prolog also DRAINS the node (scontrol update
# nodename=... state=resume after the pause is lifted):
#     Prolog=/usr/local/lib/brake/slurm-prolog.sh
# Either host needs a Brake node it can reach over a socket, and the prolog's user (SlurmctldUser or
# SlurmdUser) in the group brake.
#
# The scope: BRAKE_SCOPE_<partition> if set (the partition name with every character other than
# letters, digits and _ replaced by _), else BRAKE_SCOPE, else "training". These and brake-gate's
# variables (BRAKE_SOCKET, BRAKE_FEDERATION, BRAKE_MAX_STALENESS, BRAKE_GATE_TIMEOUT, BRAKECTL) may be set in
# /etc/brake/gate.conf (a shell fragment; BRAKE_GATE_CONF names another), for example:
#     BRAKE_SOCKET=/run/brake/brake.sock
#     BRAKE_FEDERATION=pact-2027
#     BRAKE_SCOPE=training
#     BRAKE_SCOPE_gpu_large=training/frontier
#
# Exit status: 0 when the scope is clear; 1 otherwise (paused, unknown, unreachable, misconfigured).
set -u
# Slurm runs prologs with no search path.
PATH=/usr/local/bin:/usr/bin:/bin
export PATH

conf=${BRAKE_GATE_CONF:-/etc/brake/gate.conf}
if [ -e "$conf" ]; then
    # shellcheck source=/dev/null
    if ! [ -r "$conf" ] || ! . "$conf"; then
        echo "brake prolog: cannot read $conf; job ${SLURM_JOB_ID:-?} held back" >&2
        exit 1
    fi
fi

partition=$(printf '%s' "${SLURM_JOB_PARTITION:-}" | tr -c 'A-Za-z0-9_' '_')
scope=""
if [ -n "$partition" ]; then
    eval "scope=\${BRAKE_SCOPE_${partition}:-}"
fi
scope=${scope:-${BRAKE_SCOPE:-training}}
export BRAKE_SOCKET BRAKE_FEDERATION BRAKE_MAX_STALENESS BRAKE_GATE_TIMEOUT BRAKECTL

gate=${BRAKE_GATE:-/usr/local/bin/brake-gate}
"$gate" "$scope"
status=$?
if [ "$status" -eq 0 ]; then
    exit 0
fi
echo "brake prolog: job ${SLURM_JOB_ID:-?} (partition ${SLURM_JOB_PARTITION:-none}) held back: $scope is not clear (brake-gate exit $status)" >&2
exit 1
