#!/usr/bin/env bash
# Run a command (the demo server) with the local OpenID provider beside it, standing in for the
# national identity: started in the background first, stopped when the command ends (Ctrl-C too).
# When OIDC_ISSUER is already set (a real provider is configured), the command runs alone.
# Usage: HOST=127.0.0.1 PORT=8000 scripts/with-oidc-provider.sh <command…>
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${OIDC_ISSUER:-}" ]; then
  exec "$@"
fi
host="${HOST:-127.0.0.1}"
export OIDC_PROVIDER_PORT="${OIDC_PROVIDER_PORT:-8010}"
export OIDC_ISSUER="http://127.0.0.1:${OIDC_PROVIDER_PORT}"
export OIDC_CLIENT_ID="${OIDC_CLIENT_ID:-motcua-demo}"
export OIDC_CLIENT_SECRET="${OIDC_CLIENT_SECRET:-motcua-demo-secret}"
export OIDC_ACR_VALUES="${OIDC_ACR_VALUES:-urn:vneid:level2}"
export OIDC_REDIRECT_URI="http://${host}:${PORT:-8000}/tai-khoan/dinh-danh/ve/"
export OIDC_PROVIDER_CLIENT_ID="$OIDC_CLIENT_ID"
export OIDC_PROVIDER_CLIENT_SECRET="$OIDC_CLIENT_SECRET"
export OIDC_PROVIDER_REDIRECT_URIS="$OIDC_REDIRECT_URI"

mkdir -p var
node tools/oidc-provider/server.js >var/oidc-provider.log 2>&1 &
provider=$!
trap 'kill "$provider" 2>/dev/null || true; wait "$provider" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/${OIDC_PROVIDER_PORT}") 2>/dev/null; then
    break
  fi
  if ! kill -0 "$provider" 2>/dev/null; then
    echo "Không khởi động được nhà cung cấp định danh thử nghiệm (the local OpenID provider" \
      "did not start); see var/oidc-provider.log:" >&2
    cat var/oidc-provider.log >&2
    exit 1
  fi
  sleep 0.1
done
echo "Định danh quốc gia (thử nghiệm): ${OIDC_ISSUER} — đăng nhập bằng 022185006789 / matkhau"
"$@"
