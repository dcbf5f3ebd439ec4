#!/usr/bin/env bash
# Prepares what the TorchSharp peer needs to run on this machine.
#
# TorchSharp 0.107's native library (libLibTorchSharp.so, libtorch 2.10) needs glibc >= 2.38 and
# GCC 13's libstdc++ (GLIBCXX_3.4.32). Debian 12 ships glibc 2.36 and GCC 12's libstdc++, so there
# this script builds a private runtime under peer/.runtime/ (gitignored):
#   1. apt-get download of Debian trixie's libc6, libstdc++6 and libgcc-s1, through a separate
#      sources list and a separate apt state/cache directory (the system's apt is left untouched);
#   2. dpkg -x of those packages into peer/.runtime/sysroot;
#   3. a copy of the dotnet host (the resolved `command -v dotnet`) whose ELF interpreter is
#      patched (patchelf) to the private loader and whose rpath points at the private libraries,
#      next to symlinks to the SDK's host/, sdk/, shared/ ... folders so it still finds the runtime.
# peer/.runtime/env.sh then tells run-peer.sh which dotnet to use and the LD_LIBRARY_PATH for every
# library that process loads (the loader must see the private libc/libstdc++ before the system's).
#
# On a distribution whose glibc is already >= 2.38 it does nothing (and run-peer.sh uses dotnet as is).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
rt="$here/.runtime"
need_major=2 need_minor=38

glibc="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
if [ -z "$glibc" ]; then
  echo "prepare-torchsharp: cannot tell the glibc version (not glibc?); nothing done" >&2
  exit 0
fi
g_major="${glibc%%.*}"; g_minor="${glibc#*.}"; g_minor="${g_minor%%.*}"
if [ "$g_major" -gt "$need_major" ] || { [ "$g_major" -eq "$need_major" ] && [ "$g_minor" -ge "$need_minor" ]; }; then
  echo "prepare-torchsharp: glibc $glibc >= $need_major.$need_minor: nothing to prepare, the peer runs with the system dotnet"
  rm -f "$rt/env.sh"
  exit 0
fi
echo "prepare-torchsharp: glibc $glibc < $need_major.$need_minor: preparing a private trixie runtime in $rt"

if [ -x "$rt/dotnet/dotnet" ] && [ -f "$rt/env.sh" ] && [ "${1:-}" != "--force" ]; then
  echo "prepare-torchsharp: already prepared (pass --force to redo)"
  exit 0
fi

arch="$(dpkg --print-architecture)"
case "$arch" in
  amd64) triplet=x86_64-linux-gnu; loader_name=ld-linux-x86-64.so.2 ;;
  arm64) triplet=aarch64-linux-gnu; loader_name=ld-linux-aarch64.so.1 ;;
  *) echo "prepare-torchsharp: unsupported architecture $arch" >&2; exit 1 ;;
esac

# --- 1. a separate apt: own sources list, state, lists and cache ---------------------------------
apt_dir="$rt/apt"
mkdir -p "$apt_dir/etc/sources.list.d" "$apt_dir/etc/preferences.d" "$apt_dir/lists/partial" \
         "$apt_dir/cache/archives/partial" "$apt_dir/state" "$rt/debs"
echo "deb http://deb.debian.org/debian trixie main" > "$apt_dir/etc/sources.list"
: > "$apt_dir/state/status"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
  -o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
  -o "Dir::State=$apt_dir/state"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::status=$apt_dir/state/status"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Dir::Cache::archives=$apt_dir/cache/archives"
  -o "APT::Architecture=$arch"
  -o "APT::Architectures=$arch"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" -qq update
rm -f "$rt/debs"/*.deb
(cd "$rt/debs" && apt-get "${apt_opts[@]}" -qq download libc6 libstdc++6 libgcc-s1)
ls -l "$rt/debs"

# --- 2. unpack into a private sysroot -------------------------------------------------------------
sysroot="$rt/sysroot"
rm -rf "$sysroot"; mkdir -p "$sysroot"
for deb in "$rt/debs"/*.deb; do dpkg -x "$deb" "$sysroot"; done
libdir="$sysroot/usr/lib/$triplet"
loader="$libdir/$loader_name"
[ -e "$loader" ] || loader="$sysroot/lib/$triplet/$loader_name"
[ -e "$loader" ] || loader="$sysroot/lib64/$loader_name"
[ -e "$loader" ] || { echo "prepare-torchsharp: no $loader_name in the unpacked libc6" >&2; exit 1; }
loader="$(readlink -f "$loader")"
"$loader" --version | head -1

# --- 3. a dotnet host that starts under the private loader ----------------------------------------
command -v patchelf >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null; }
dotnet_real="$(readlink -f "$(command -v dotnet)")"
dotnet_root="$(dirname "$dotnet_real")"
host_dir="$rt/dotnet"
rm -rf "$host_dir"; mkdir -p "$host_dir"
# The host finds hostfxr, the SDKs and the shared runtimes relative to its own location: link them.
for entry in "$dotnet_root"/*; do
  name="$(basename "$entry")"
  [ "$name" = dotnet ] && continue
  ln -s "$entry" "$host_dir/$name"
done
cp "$dotnet_real" "$host_dir/dotnet"
patchelf --set-interpreter "$loader" --set-rpath "$libdir" "$host_dir/dotnet"
echo "prepare-torchsharp: $host_dir/dotnet interpreter -> $(patchelf --print-interpreter "$host_dir/dotnet")"

# Everything the process loads (hostfxr, coreclr, libtorch) must resolve libc/libstdc++ from the
# private copy: a dependency of a dlopen-ed library ignores the host's rpath, LD_LIBRARY_PATH does not.
cat > "$rt/env.sh" <<ENV
# Written by prepare-torchsharp.sh: the dotnet host and libraries for the TorchSharp peer.
export PEER_DOTNET="$host_dir/dotnet"
export DOTNET_ROOT="$host_dir"
export PEER_LD_LIBRARY_PATH="$libdir"
ENV
env LD_LIBRARY_PATH="$libdir" DOTNET_ROOT="$host_dir" "$host_dir/dotnet" --list-runtimes
echo "prepare-torchsharp: done; run peer/run-peer.sh"
