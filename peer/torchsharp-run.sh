#!/usr/bin/env bash
# Prepares TorchSharp (prepare-torchsharp.sh), builds peer/<PROJECT>/<PROJECT>.csproj (Release) and runs it with
# the right dotnet host; the other arguments go to the program:
#   peer/torchsharp-run.sh TorchSharpPeer --entities 1024 ...     (what run-peer.sh does)
#   peer/torchsharp-run.sh ParityGenerator --out FILE ...         (what run-parity-generator.sh does)
# On glibc < 2.38 (Debian 12) the program runs with the private trixie loader and libraries; elsewhere with
# dotnet as is.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="$1"; shift
proj="$here/$name/$name.csproj"
[ -f "$proj" ] || { echo "torchsharp-run: no project $proj" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash "$here/prepare-torchsharp.sh" >&2

# Build with the system dotnet and the system libraries (the SDK must not see the private libc).
dotnet build "$proj" -c Release -v quiet -nologo >&2
dll="$here/$name/bin/Release/net10.0/$name.dll"

if [ -f "$here/.runtime/env.sh" ]; then
  # shellcheck disable=SC1091
  . "$here/.runtime/env.sh"
  # Only this process sees the private libc and libstdc++ (its loader is the private one too).
  exec env LD_LIBRARY_PATH="$PEER_LD_LIBRARY_PATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" DOTNET_ROOT="$DOTNET_ROOT" \
    "$PEER_DOTNET" "$dll" "$@"
else
  exec dotnet "$dll" "$@"
fi
