#!/usr/bin/env bash
# Builds the TorchSharp peer (Release) and runs it with the right dotnet host; arguments go to the peer:
#   peer/run-peer.sh --entities 1024 --idiom both --ticks 50 --warmup 5 --threads 1 [--json FILE]
# On glibc < 2.38 (Debian 12) it first runs prepare-torchsharp.sh (once) and runs the peer with the
# private trixie loader and libraries; elsewhere it uses dotnet as is (see torchsharp-run.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec bash "$here/torchsharp-run.sh" TorchSharpPeer "$@"
