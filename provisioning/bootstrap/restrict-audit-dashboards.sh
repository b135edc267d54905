#!/bin/sh
# Takes Viewers off what shows every audit log type past the AuditLens app's per-type permissions, leaving Editors
# view and Admins everything (docs/stack.md, "Who sees what"); safe to run again, and run it after every plugin
# update or "Re-import" of the app's dashboards. Works against any Grafana 12.4+ (OSS included) as an org Admin:
#   GRAFANA_URL=https://grafana.example GF_ADMIN_USER=admin GF_ADMIN_PASSWORD=... sh restrict-audit-dashboards.sh
# 1. The dashboards the app includes (plugin.json). Grafana imports them into the root folder when the app is
#    enabled, and again at start-up when the plugin's version changed and a dashboard's revision with it, each
#    time giving Viewer "View" and Editor "Edit" on the dashboard itself (pkg/services/dashboards/service/
#    dashboard_service.go, setDefaultPermissions). The script waits up to $IMPORT_WAIT_SECONDS for
#    GET /api/plugins/$APP_ID/dashboards to show each one imported at its current revision; what Grafana left out
#    (an app enabled before it had dashboards, a dashboard changed without a new plugin version) it imports itself
#    with POST /api/dashboards/import, as the app's Dashboards tab does. Then it sets
#    POST /api/access-control/dashboards/:uid/builtInRoles/{Viewer,Editor}.
# 2. The folder $ALERT_FOLDER of the Grafana-managed alert rules (created by alert provisioning; skipped when
#    ALERT_FOLDER is empty): POST /api/access-control/folders/:uid/builtInRoles/{Viewer,Editor}.
set -eu
: "${GRAFANA_URL:?}" "${GF_ADMIN_USER:?}" "${GF_ADMIN_PASSWORD:?}"
APP_ID="${APP_ID:-auditlens-auditlogs-app}"
ALERT_FOLDER="${ALERT_FOLDER-AuditLens}"
WAIT_SECONDS="${WAIT_SECONDS:-120}"
IMPORT_WAIT_SECONDS="${IMPORT_WAIT_SECONDS:-30}"
AUTH="$GF_ADMIN_USER:$GF_ADMIN_PASSWORD"

# POST .../builtInRoles/<role> {"permission": "View" | "Edit" | "Admin" | ""}; "" removes the role's permission.
set_role() { # kind (dashboards|folders), uid, role, permission
  curl -fsS -u "$AUTH" -H 'Content-Type: application/json' -d "{\"permission\":\"$4\"}" \
    "$GRAFANA_URL/api/access-control/$1/$2/builtInRoles/$3" >/dev/null
}

# The app's included dashboards, one JSON object per line ([{"uid":..,"imported":..,"importedRevision":..,
# "revision":..,"removed":..},...]; the objects hold no nested objects), without those it no longer includes.
app_dashboards() {
  curl -fsS -u "$AUTH" "$GRAFANA_URL/api/plugins/$APP_ID/dashboards" \
    | sed 's/^\[//; s/\]$//; s/},{/}\n{/g' \
    | grep -F '"removed":false' || true
}
field() { # item, name: a number, boolean or string value
  printf '%s' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"
}
not_current() { # the items not yet imported at the revision of the plugin's file
  app_dashboards | while IFS= read -r item; do
    if [ "$(field "$item" imported)" != true ] \
      || [ "$(field "$item" importedRevision)" != "$(field "$item" revision)" ]; then
      printf '%s\n' "$item"
    fi
  done
}

until curl -fsS "$GRAFANA_URL/api/health" >/dev/null; do sleep 2; done
# GET /api/plugins/:id/settings: {"id":..,"enabled":true|false,...}; 404 when the plugin is not installed.
settings=$(curl -fsS -u "$AUTH" "$GRAFANA_URL/api/plugins/$APP_ID/settings") \
  || { echo "app $APP_ID is not installed in Grafana" >&2; exit 1; }
[ "$(field "$settings" enabled)" = true ] || { echo "app $APP_ID is not enabled in Grafana" >&2; exit 1; }

waited=0
while [ -n "$(not_current)" ] && [ "$waited" -lt "$IMPORT_WAIT_SECONDS" ]; do
  sleep 2
  waited=$((waited + 2))
done
for path in $(not_current | sed -n 's/.*"path":"\([^"]*\)".*/\1/p'); do
  curl -fsS -u "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"pluginId\":\"$APP_ID\",\"path\":\"$path\",\"overwrite\":true,\"inputs\":[]}" \
    "$GRAFANA_URL/api/dashboards/import" >/dev/null
  echo "imported $path of $APP_ID (Grafana had not)"
done
if [ -n "$(not_current)" ]; then
  echo "dashboards of $APP_ID still not imported:" >&2
  not_current | sed 's/.*"title":"\([^"]*\)".*/  \1/' >&2
  exit 1
fi
count=0
for uid in $(app_dashboards | sed -n 's/.*"uid":"\([^"]*\)".*/\1/p'); do
  set_role dashboards "$uid" Viewer ''
  set_role dashboards "$uid" Editor View
  echo "dashboard $uid: Viewer none, Editor view, Admin all"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || echo "app $APP_ID includes no dashboards"

[ -n "$ALERT_FOLDER" ] || exit 0
# GET /api/folders lists top-level folders as [{"id":..,"uid":"..","title":".."},...]; one object per line here.
folder_uid() {
  curl -fsS -u "$AUTH" "$GRAFANA_URL/api/folders?limit=1000" \
    | sed 's/},{/}\n{/g' \
    | grep -F "\"title\":\"$ALERT_FOLDER\"" \
    | sed -n 's/.*"uid":"\([^"]*\)".*/\1/p' \
    | head -n 1
}
waited=0
uid=$(folder_uid)
while [ -z "$uid" ]; do
  [ "$waited" -lt "$WAIT_SECONDS" ] || { echo "no folder \"$ALERT_FOLDER\" in Grafana" >&2; exit 1; }
  sleep 2
  waited=$((waited + 2))
  uid=$(folder_uid)
done
set_role folders "$uid" Viewer ''
set_role folders "$uid" Editor View
echo "folder $ALERT_FOLDER ($uid): Viewer none, Editor view, Admin all"
