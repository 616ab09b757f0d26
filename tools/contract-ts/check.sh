#!/usr/bin/env bash
# The TypeScript side of the contract (make contract-ts, part of make check): the types
# openapi-typescript generates from docs/openapi.yaml must compile with tsc --strict, and check.ts,
# which uses them as a web or React Native client would, must type-check against them.
# Needs Node 20+ and npm; the versions are pinned in package-lock.json (npm ci installs exactly those).
set -euo pipefail
cd "$(dirname "$0")"

command -v npm >/dev/null 2>&1 || { echo "make contract-ts needs Node.js 20+ and npm (not needed for make run)." >&2; exit 1; }
npm ci --no-audit --no-fund --silent

# Request fields with a default stay optional (a client may leave them out); responses list every field as required anyway.
output=$(./node_modules/.bin/openapi-typescript ../../docs/openapi.yaml --default-non-nullable false --output schema.d.ts 2>&1)
echo "$output"
if grep -qiE "warn|error" <<<"$output"; then
    echo "openapi-typescript warned about docs/openapi.yaml (above)." >&2
    exit 1
fi

./node_modules/.bin/tsc --version
./node_modules/.bin/tsc -p tsconfig.json --strict --noEmit
echo "tsc --strict: schema.d.ts ($(wc -l <schema.d.ts) lines) and check.ts type-check."
