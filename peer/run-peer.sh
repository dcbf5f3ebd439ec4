#!/usr/bin/env bash
# Builds the TorchSharp peer (Release) and runs it with the right dotnet host; arguments go to the peer:
#   peer/run-peer.sh --entities 1024 --idiom both --ticks 50 --warmup 5 --threads 1 [--json FILE]
# On glibc < 2.38 (Debian 12) it first runs prepare-torchsharp.sh (once) and runs the peer with the
# private trixie loader and libraries; elsewhere it uses dotnet as is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proj="$here/TorchSharpPeer/TorchSharpPeer.csproj"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash "$here/prepare-torchsharp.sh" >&2

# Build with the system dotnet and the system libraries (the SDK must not see the private libc).
dotnet build "$proj" -c Release -v quiet -nologo >&2
dll="$here/TorchSharpPeer/bin/Release/net10.0/TorchSharpPeer.dll"

if [ -f "$here/.runtime/env.sh" ]; then
  # shellcheck disable=SC1091
  . "$here/.runtime/env.sh"
  # Only this process sees the private libc and libstdc++ (its loader is the private one too).
  exec env LD_LIBRARY_PATH="$PEER_LD_LIBRARY_PATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" DOTNET_ROOT="$DOTNET_ROOT" \
    "$PEER_DOTNET" "$dll" "$@"
else
  exec dotnet "$dll" "$@"
fi
