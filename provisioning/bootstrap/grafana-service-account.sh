#!/bin/sh
# One-shot bootstrap of the compose stack (runs in the curl image, after Grafana is healthy):
# 1. creates (once) the Grafana service account the export service uses to look users up, and writes a fresh
#    token of it to $TOKEN_FILE;
# 2. restricts the provisioned folder $DASHBOARD_FOLDER (raw-Loki dashboards and alert rules, which show every
#    log type past the app's per-type permissions) to Editors (view) and Admins: Viewers lose their default view.
#    File provisioning cannot set folder permissions; Grafana's resource-permission API can (OSS included):
#    POST /api/access-control/folders/:uid/builtInRoles/:role {"permission": "View" | "Edit" | "Admin" | ""}.
set -eu
: "${GRAFANA_URL:?}" "${GF_ADMIN_USER:?}" "${GF_ADMIN_PASSWORD:?}" "${TOKEN_FILE:?}"
DASHBOARD_FOLDER="${DASHBOARD_FOLDER:-AuditLens}"
FOLDER_WAIT_SECONDS="${FOLDER_WAIT_SECONDS:-120}"
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

# The folder is created by dashboard and alert provisioning, which may finish after /api/health answers.
# GET /api/folders lists top-level folders as [{"id":..,"uid":"..","title":".."},...]; one object per line here.
folder_uid() {
  curl -fsS -u "$AUTH" "$GRAFANA_URL/api/folders?limit=1000" \
    | sed 's/},{/}\n{/g' \
    | grep -F "\"title\":\"$DASHBOARD_FOLDER\"" \
    | sed -n 's/.*"uid":"\([^"]*\)".*/\1/p' \
    | head -n 1
}
waited=0
uid=$(folder_uid)
while [ -z "$uid" ]; do
  [ "$waited" -lt "$FOLDER_WAIT_SECONDS" ] || { echo "no folder \"$DASHBOARD_FOLDER\" in Grafana" >&2; exit 1; }
  sleep 2
  waited=$((waited + 2))
  uid=$(folder_uid)
done

set_role() {
  curl -fsS -u "$AUTH" -H 'Content-Type: application/json' -d "{\"permission\":\"$2\"}" \
    "$GRAFANA_URL/api/access-control/folders/$uid/builtInRoles/$1" >/dev/null
}
set_role Viewer ''
set_role Editor View
echo "folder $DASHBOARD_FOLDER ($uid): Viewer none, Editor view, Admin all"
