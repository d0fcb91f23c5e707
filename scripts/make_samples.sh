#!/usr/bin/env bash
# Regenerates the committed sample recordings (see sample_edf/README.md). Deterministic: the same
# ictaltrack version writes the same bytes (tests/python/test_samples.py checks this).
#
# Usage: scripts/make_samples.sh [OUT_DIR]        (default OUT_DIR: sample_edf)
# The `ictaltrack` command must be on PATH (`make samples` uses the one in .venv); set
# ICTALTRACK to run another one, e.g. ICTALTRACK="python -m ictaltrack.commands.simulate".
set -euo pipefail

OUT="${1:-sample_edf}"
read -r -a ICTALTRACK <<< "${ICTALTRACK:-ictaltrack}"
mkdir -p "$OUT"

# The demo file: 19 referential channels, four short migrating seizures (right temporal -> left
# frontal polar -> right frontotemporal -> left central), the last two overlapping.
"${ICTALTRACK[@]}" simulate "$OUT/migrating_referential.edf" --duration 270s --seed 10 \
  --seizures 4 --seizure-duration 30,50 --interval 5,20 --first-onset 15,25 \
  --overlap-probability 0.35 --quiet

# CHB-MIT-style bipolar recording (23 derivations, T7/P7 names), two seizures: left temporal,
# then right central.
"${ICTALTRACK[@]}" simulate "$OUT/chbmit_bipolar.edf" --duration 220s --seed 2 --montage bipolar \
  --seizures 2 --seizure-duration 40,60 --interval 20,40 --first-onset 20,30 \
  --overlap-probability 0 --quiet

# Artifacts only (no seizure): blinks, muscle, electrode pops, movement, a flat O2 electrode.
"${ICTALTRACK[@]}" simulate "$OUT/artifacts_only.edf" --duration 120s --seed 4 --seizures 0 \
  --blinks-per-hour 300 --muscle-per-hour 120 --electrode-pops-per-hour 120 \
  --movement-per-hour 60 --bad-channel flat --bad-channel-electrode O2 --label-style eeg-ref \
  --quiet
