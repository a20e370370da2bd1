#!/usr/bin/env bash
# README, "Linux's constants: is 60 s of TIME-WAIT enough?": for tcp_orphan_retries 0..8 and an
# MSL of 30, 60 and 120 s, whether TIME-WAIT's 60 s keep the passive closer's retransmitted FIN
# from drawing an RST (normal-close-never-reset), and the smallest TIME-WAIT that does, found by
# bisection in units of 200 ms (each step one exhaustive dense-time check).
#
#   scripts/time-wait-table.sh            # the whole table (TCPMC=path/to/tcpmc)
#   scripts/time-wait-table.sh 8 150      # one cell: orphan retries 8, MSL 150 units
set -euo pipefail
# tcpmc on PATH, else this checkout's release build.
if [[ -z ${TCPMC:-} ]]; then
  TCPMC=$(command -v tcpmc || echo "$(dirname "$0")/../target/release/tcpmc")
fi
[[ -x $TCPMC ]] || { echo "no tcpmc: cargo build --release first, or set TCPMC" >&2; exit 2; }
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

# The smallest TIME-WAIT that holds: a guess ($3) is taken when it holds and one unit less does
# not (two checks); otherwise bisection between 0 and 2·MSL + 120 s. Both assume that a longer
# TIME-WAIT never breaks what a shorter one keeps.
smallest() {
  local r=$1 msl=$2 guess=${3:-} lo=0 hi=$((2 * $2 + 600)) mid
  if [[ -n $guess ]] && ((guess > 0)) && holds "$r" "$msl" "$guess" && ! holds "$r" "$msl" $((guess - 1)); then
    echo "$guess"
    return
  fi
  holds "$r" "$msl" "$hi" || { echo "above $hi"; return; }
  while ((lo < hi)); do
    mid=$(((lo + hi) / 2))
    if holds "$r" "$msl" "$mid"; then hi=$mid; else lo=$((mid + 1)); fi
  done
  echo "$lo"
}

# One row: orphan retries $1, MSL $2 units, an optional guess $3; prints the smallest on fd 3.
cell() {
  local r=$1 msl=$2 lo enough=no
  lo=$(smallest "$r" "$msl" "${3:-}")
  echo "$lo" >&3
  holds "$r" "$msl" 300 && enough=yes
  if [[ $lo == above* ]]; then
    echo "| $r | $(seconds "$msl") | $enough | ${lo} units | |"
  elif ((lo > 0)); then
    echo "| $r | $(seconds "$msl") | $enough | $(seconds "$lo") | $(seconds $((lo - 1))) |"
  else
    echo "| $r | $(seconds "$msl") | $enough | 0 s | none |"
  fi
}

if (($# >= 2)); then
  cell "$1" "$2" "${3:-}" 3>/dev/null
  exit 0
fi
echo "| tcp_orphan_retries | MSL | 60 s enough | smallest TIME-WAIT | the longest that fails |"
echo "|--:|--:|:-:|--:|--:|"
# Each row's answer is the next row's guess (the same retries, a longer MSL); the first MSL of a
# retry count guesses twice the previous count's answer (the peer retries twice as long).
guess=""
for r in 0 1 2 3 4 5 6 7 8; do
  next=""
  for msl in 150 300 600; do
    exec 4>&1
    found=$(cell "$r" "$msl" "$guess" 3>&1 1>&4)
    exec 4>&-
    [[ -z $next ]] && next=$found
    guess=$found
  done
  [[ $next =~ ^[0-9]+$ ]] && guess=$((2 * next)) || guess=""
done
