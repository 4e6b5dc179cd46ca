#!/usr/bin/env bash
# Installs the z3 solver for `protocol verify` and its tests when it is missing (TOOLCHAIN.md: the z3 program over
# stdin, `apt-get install -y z3`; the Microsoft.Z3 package has no Linux native library). Prints the solver's path.
set -euo pipefail
if ! command -v z3 >/dev/null 2>&1; then
  echo "Installing z3..." >&2
  if ! { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq z3 >&2; }; then
    echo "error: z3 is not installed and 'apt-get install -y z3' failed; install z3 (4.8 or later) and put it on PATH" >&2
    exit 1
  fi
fi
command -v z3
