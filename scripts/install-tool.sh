#!/usr/bin/env bash
# Installs the `fashioncnn` command from this checkout as a .NET global tool, replacing one installed before.
# Usage: scripts/install-tool.sh [dotnet pack options]   e.g. scripts/install-tool.sh -p:TorchBackend=cuda
# Removal: dotnet tool uninstall --global fashioncnn
set -euo pipefail
cd "$(dirname "$0")/.."

# Builds and packs in a folder of its own and deletes it afterwards: the build, the publish folder and the
# package each hold a copy of libtorch (about 600 MB), and the installed tool has its own.
work=bin/tool-install
rm -rf "$work"
trap 'rm -rf "$work"' EXIT

dotnet pack src/FashionCnn.Cli -c Release --artifacts-path "$work/artifacts" -o "$work/packages" "$@"

# Reinstall even at the same version (dotnet tool update would keep the old files), and take the packages from
# this folder only, so that no other source's package of the same name is chosen.
if dotnet tool list --global fashioncnn >/dev/null; then
  dotnet tool uninstall --global fashioncnn
fi
dotnet tool install --global --source "$work/packages" fashioncnn

tools="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools"
"$tools/fashioncnn" --version >/dev/null
case ":$PATH:" in
  *":$tools:"*) echo "Installed: run 'fashioncnn --help' in the repository root." ;;
  *) echo "Installed in $tools, which is not on PATH: export PATH=\"\$PATH:$tools\" (and add that line to ~/.bashrc)." ;;
esac
