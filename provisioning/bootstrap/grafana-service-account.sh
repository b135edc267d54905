#!/bin/sh
# One-shot bootstrap of the compose stack (runs in the curl image, after Grafana is healthy):
# 1. creates (once) the Grafana service account the export service uses to look users up, and writes a fresh
#    token of it to $TOKEN_FILE;
# 2. restricts what shows every audit log type past the app's per-type permissions (the dashboards the app
#    imported, the alert rules' folder) to Editors (view) and Admins: restrict-audit-dashboards.sh, beside this file.
set -eu
: "${GRAFANA_URL:?}" "${GF_ADMIN_USER:?}" "${GF_ADMIN_PASSWORD:?}" "${TOKEN_FILE:?}"
AUTH="$GF_ADMIN_USER:$GF_ADMIN_PASSWORD"
NAME=auditlens-export-service

until curl -fsS "$GRAFANA_URL/api/health" >/dev/null; do sleep 2; done

id=$(curl -fsS -u "$AUTH" "$GRAFANA_URL/api/serviceaccounts/search?query=$NAME" \
  | sed -n 's/.*"serviceAccounts":\[{"id":\([0-9]*\).*/\1/p')
if [ -z "$id" ]; then
  id=$(curl -fsS -u "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$NAME\",\"role\":\"Admin\"}" "$GRAFANA_URL/api/serviceaccounts" \
    | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
fi
[ -n "$id" ] || { echo "could not create the service account" >&2; exit 1; }

key=$(curl -fsS -u "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"name\":\"$NAME-$(date +%s)\"}" "$GRAFANA_URL/api/serviceaccounts/$id/tokens" \
  | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "could not create a token" >&2; exit 1; }
umask 077
printf '%s' "$key" > "$TOKEN_FILE"
chmod 644 "$TOKEN_FILE"
echo "service account $NAME ($id): token written"

sh "$(dirname "$0")/restrict-audit-dashboards.sh"
