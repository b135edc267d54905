#!/bin/sh
# One-shot bootstrap of the compose stack (runs in the curl image, as its user, after Grafana is healthy):
# 1. creates (once) the Grafana service account the export service uses to look users up, in the app's org, and
#    writes a fresh token of it to $TOKEN_FILE;
# 2. sets up the "AuditLens Ops" org, the only one with a Loki data source: ops-org.sh, beside this file.
# Every call names its org (X-Grafana-Org-Id): without it Grafana works in the admin's current org, which the admin
# may have switched in the UI.
set -eu
: "${GRAFANA_URL:?}" "${GF_ADMIN_USER:?}" "${GF_ADMIN_PASSWORD:?}" "${TOKEN_FILE:?}"
APP_ORG_ID="${APP_ORG_ID:-1}"
AUTH="$GF_ADMIN_USER:$GF_ADMIN_PASSWORD"
NAME=auditlens-export-service

until curl -fsS "$GRAFANA_URL/api/health" >/dev/null; do sleep 2; done

id=$(curl -fsS -u "$AUTH" -H "X-Grafana-Org-Id: $APP_ORG_ID" "$GRAFANA_URL/api/serviceaccounts/search?query=$NAME" \
  | sed -n 's/.*"serviceAccounts":\[{"id":\([0-9]*\).*/\1/p')
if [ -z "$id" ]; then
  id=$(curl -fsS -u "$AUTH" -H "X-Grafana-Org-Id: $APP_ORG_ID" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$NAME\",\"role\":\"Admin\"}" "$GRAFANA_URL/api/serviceaccounts" \
    | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
fi
[ -n "$id" ] || { echo "could not create the service account" >&2; exit 1; }

key=$(curl -fsS -u "$AUTH" -H "X-Grafana-Org-Id: $APP_ORG_ID" -H 'Content-Type: application/json' \
  -d "{\"name\":\"$NAME-$(date +%s)\"}" "$GRAFANA_URL/api/serviceaccounts/$id/tokens" \
  | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$key" ] || { echo "could not create a token" >&2; exit 1; }
umask 077
printf '%s' "$key" > "$TOKEN_FILE"
chmod 644 "$TOKEN_FILE"
echo "service account $NAME ($id): token written"

sh "$(dirname "$0")/ops-org.sh"
