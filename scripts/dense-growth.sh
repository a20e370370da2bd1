#!/usr/bin/env bash
# BENCHMARKS.md, "Dense time": how the tick graph and the zone graph grow with the constants.
# Prints markdown rows: configuration, states (unique), seconds, peak RSS. TCPMC=path/to/tcpmc.
set -euo pipefail
# tcpmc on PATH, else this checkout's release build.
if [[ -z ${TCPMC:-} ]]; then
  TCPMC=$(command -v tcpmc || echo "$(dirname "$0")/../target/release/tcpmc")
fi
[[ -x $TCPMC ]] || { echo "no tcpmc: cargo build --release first, or set TCPMC" >&2; exit 2; }

# One check: its unique count, wall seconds and peak RSS, as "| n | s | MB |".
measure() {
  local n s kb
  /usr/bin/time -o /tmp/growth-time.$$ -f "%e %M" "$TCPMC" check --quiet "$@" >/tmp/growth.$$ 2>/dev/null || true
  n=$(awk '/^states:/ { print $2; exit }' /tmp/growth.$$)
  read -r s kb < <(tail -n 1 /tmp/growth-time.$$)
  rm -f /tmp/growth.$$ /tmp/growth-time.$$
  printf '| %s | %s | %s MB |' "$n" "$s" "$((kb / 1024))"
}

ONE=(--incarnations 1 --data-a 0 --data-b 0)
echo "Equal constants, every one ×k: MSL k, TIME-WAIT 2k, RTO k, FIN-WAIT-2 timeout 2k, quiet time 2k"
echo
echo "| k | tick states | s | RSS | zone states (closed) | s | RSS | zone states (open) | s | RSS |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
for k in 1 2 4 8; do
  c=(--msl "$k" --time-wait $((2 * k)) --rto "$k" --fin-wait-2-timeout $((2 * k)) --quiet-time $((2 * k)))
  printf '| %s ' "$k"
  measure "${ONE[@]}" "${c[@]}" --property no-stale-segment-accepted | tr -d '\n'
  measure "${ONE[@]}" "${c[@]}" --time dense --property no-stale-segment-accepted | sed 's/^|//' | tr -d '\n'
  measure "${ONE[@]}" "${c[@]}" --time dense --msl-bound open --property no-stale-segment-accepted | sed 's/^|//'
  echo
done
echo
echo "linux-real, the README table's check at TIME-WAIT 60 s: by orphan retries (MSL 30 s), then by MSL (8 retries)"
echo
echo "| orphan retries | MSL | zone states | s | RSS |"
echo "|--:|--:|--:|--:|--:|"
REAL=(--variant linux-real,rfc1337 "${ONE[@]}" --retries 0 --network-full drop --property normal-close-never-reset)
for r in 0 2 4 6 7 8; do
  printf '| %s | 30 s ' "$r"; measure "${REAL[@]}" --orphan-retries "$r"; echo
done
for msl in 300 600; do
  printf '| 8 | %s s ' "$((msl / 5))"; measure "${REAL[@]}" --orphan-retries 8 --msl "$msl"; echo
done
