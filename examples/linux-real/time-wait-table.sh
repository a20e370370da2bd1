#!/usr/bin/env bash
# README, "Linux's constants: is 60 s of TIME-WAIT enough?": for tcp_orphan_retries 0..8 and an
# MSL of 30, 60 and 120 s, whether TIME-WAIT's 60 s keep the passive closer's retransmitted FIN
# from drawing an RST (normal-close-never-reset), and the smallest TIME-WAIT that does, found by
# bisection in units of 200 ms (each step one exhaustive dense-time check).
#
#   examples/linux-real/time-wait-table.sh            # the whole table (TCPMC=path/to/tcpmc)
#   examples/linux-real/time-wait-table.sh 8 150      # one cell: orphan retries 8, MSL 150 units
set -euo pipefail
TCPMC=${TCPMC:-tcpmc}
# One connection without data, so that only the close is checked; no SYN retransmissions
# (retries 0: an old SYN at the listener is another hazard); RST ignored in TIME-WAIT
# (tcp_rfc1337=1: assassination is another hazard); a full network drops (a loss, which the
# network may do anyway) instead of cutting the run.
FIXED=(--variant linux-real,rfc1337 --incarnations 1 --data-a 0 --data-b 0 --retries 0
       --network-full drop --property normal-close-never-reset --stop-early --quiet)

# Exit 0 when TIME-WAIT $3 holds for orphan retries $1 and MSL $2, 1 when it does not.
holds() {
  local rc=0
  "$TCPMC" check "${FIXED[@]}" --orphan-retries "$1" --msl "$2" --time-wait "$3" >/dev/null || rc=$?
  case $rc in
    0) return 0 ;;
    1) return 1 ;;
    *) echo "tcpmc check failed (exit $rc) at orphan_retries=$1 msl=$2 time_wait=$3" >&2; exit 2 ;;
  esac
}

seconds() { awk -v u="$1" 'BEGIN { s = u * 0.2; printf (s == int(s) ? "%d s" : "%.1f s"), s }'; }

cell() {
  local r=$1 msl=$2 lo=0 hi=$((2 * $2 + 600)) mid
  holds "$r" "$msl" "$hi" || { echo "| $r | $(seconds "$msl") | ? | above $(seconds "$hi") |"; return; }
  while ((lo < hi)); do
    mid=$(((lo + hi) / 2))
    if holds "$r" "$msl" "$mid"; then hi=$mid; else lo=$((mid + 1)); fi
  done
  local enough=no
  holds "$r" "$msl" 300 && enough=yes
  if ((lo > 0)); then
    echo "| $r | $(seconds "$msl") | $enough | $(seconds "$lo") | $(seconds $((lo - 1))) |"
  else
    echo "| $r | $(seconds "$msl") | $enough | 0 s | none |"
  fi
}

if (($# == 2)); then
  cell "$1" "$2"
  exit 0
fi
echo "| tcp_orphan_retries | MSL | 60 s enough | smallest TIME-WAIT | the longest that fails |"
echo "|--:|--:|:-:|--:|--:|"
for r in 0 1 2 3 4 5 6 7 8; do
  for msl in 150 300 600; do
    cell "$r" "$msl"
  done
done
