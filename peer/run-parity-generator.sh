#!/usr/bin/env bash
# Builds the parity fixture generator (Release) and runs it with the right dotnet host (torchsharp-run.sh,
# as run-peer.sh does). Without arguments it replays tests/EmbeddedLearn.Tests/Data/torch-parity.json (exit
# status 1 if a replayed number is outside the fixtures' tolerance) and regenerates
# tests/EmbeddedLearn.Tests/Data/torch-parity-adamw.json, torch-ppo.json and torch-shared.json; arguments go to the generator as they are:
#   peer/run-parity-generator.sh [--out FILE] [--ppo-out FILE] [--shared-out FILE] [--check FILE...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$(dirname "$here")/tests/EmbeddedLearn.Tests/Data"
if [ "$#" -eq 0 ]; then
  set -- --check "$data/torch-parity.json" --out "$data/torch-parity-adamw.json" --ppo-out "$data/torch-ppo.json" \
    --shared-out "$data/torch-shared.json"
fi
# libtorch's CPU matrix products run on MKL, which otherwise picks kernels by memory alignment, so the last
# bit of an output can change from run to run; MKL's conditional numerical reproducibility fixes the path.
export MKL_CBWR="${MKL_CBWR:-COMPATIBLE}"
exec bash "$here/torchsharp-run.sh" ParityGenerator "$@"
