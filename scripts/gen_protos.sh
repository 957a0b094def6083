#!/usr/bin/env bash
# Regenerate the Python gRPC stubs in clients/ from protos/. The generated
# files are committed so installing the client needs no protoc; a test checks
# they match the .proto files.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/clients"}
"${PYTHON:-python}" -m grpc_tools.protoc -I "$root/protos" \
  --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" \
  "$root/protos/coachloop/v1/scoring.proto"
# protoc writes coachloop/v1/...; the client package is coachloop_client.
rm -rf "$out/coachloop_client/v1/scoring_pb2"*.py* 2>/dev/null || true
mkdir -p "$out/coachloop_client/v1"
for f in "$out"/coachloop/v1/scoring_pb2*; do
  sed -e 's/from coachloop\.v1 import scoring_pb2/from coachloop_client.v1 import scoring_pb2/' \
    "$f" > "$out/coachloop_client/v1/$(basename "$f")"
done
rm -rf "$out/coachloop"
