#!/bin/sh
# The Grafana org "AuditLens Ops" (docs/stack.md, "Who sees what"): the only org with a Loki data source, for the
# people who may read every audit log type. Grafana OSS lets every member of an org query each of its data sources,
# so the main org, where the AuditLens app runs and new users land, holds none. As the server admin, through
# Grafana's HTTP API, this script creates the org once and brings into it, on every run:
# - the Loki data source, the folder of the alert rules, the Grafana-managed login-failure rules, their contact
#   point and notification policy ($OPS_DIR/*.json, see its README);
# - the AuditLens app's dashboards, imported from the installed plugin into that folder (the app itself stays in the
#   main org; Grafana imports its dashboards there when it enables the app, where no data source can answer them,
#   so they are removed from the main org).
# File provisioning cannot do this: Grafana refuses to start on a file naming an org that does not exist
# (pkg/services/provisioning/utils/utils.go, NewOrgExistsChecker), and nothing but the API creates an org.
# Safe to run again; run it on another Grafana 12.4+ (OSS included) as its server admin:
#   GRAFANA_URL=https://grafana.example GF_ADMIN_USER=admin GF_ADMIN_PASSWORD=... OPS_DIR=provisioning/ops \
#     sh provisioning/bootstrap/ops-org.sh
# Who belongs to the org is yours to say (Administration → General → Organizations); its creator is its Admin.
set -eu
: "${GRAFANA_URL:?}" "${GF_ADMIN_USER:?}" "${GF_ADMIN_PASSWORD:?}" "${OPS_DIR:?}"
APP_ID="${APP_ID:-auditlens-auditlogs-app}"
APP_ORG_ID="${APP_ORG_ID:-1}"
OPS_ORG="${OPS_ORG:-AuditLens Ops}"
ALERT_FOLDER="${ALERT_FOLDER:-AuditLens}"
ALERT_FOLDER_UID="${ALERT_FOLDER_UID:-auditlens}"
IMPORT_WAIT_SECONDS="${IMPORT_WAIT_SECONDS:-30}"
# Where the script remembers the app version whose dashboards it last moved (the bootstrap's volume in compose).
STATE_DIR="${STATE_DIR:-}"
AUTH="$GF_ADMIN_USER:$GF_ADMIN_PASSWORD"
body=$(mktemp)
list=$(mktemp)
trap 'rm -f "$body" "$list"' EXIT

# request METHOD PATH ORG [curl arguments...]: the answer in $body, its HTTP status in $status (and the request in
# $req_method and $req_path, for expect's message; sh has no local variables).
request() {
  req_method=$1 req_path=$2 req_org=$3
  shift 3
  status=$(curl -sS -o "$body" -w '%{http_code}' -u "$AUTH" -X "$req_method" -H "X-Grafana-Org-Id: $req_org" \
    "$@" "$GRAFANA_URL$req_path")
}
# send METHOD PATH ORG FILE-OR-JSON: a JSON body from a file (@path) or a string.
send() {
  request "$1" "$2" "$3" -H 'Content-Type: application/json' --data-binary "$4"
}
# expect STATUS...: stops, saying what Grafana answered, unless $status is one of them.
expect() {
  for ok in "$@"; do [ "$status" = "$ok" ] && return 0; done
  echo "Grafana answered $status to $req_method $req_path: $(cat "$body")" >&2
  exit 1
}
field() { # json, name: the first string or number value of the field
  printf '%s' "$1" | sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" | head -n 1
}
urlencoded() { printf '%s' "$1" | sed 's/%/%25/g; s/ /%20/g; s/&/%26/g; s/?/%3F/g; s/#/%23/g'; }

until curl -fsS "$GRAFANA_URL/api/health" >/dev/null; do sleep 2; done

# The org, created once (POST /api/orgs makes its creator an Admin of it), and the admin kept a member.
request GET "/api/orgs/name/$(urlencoded "$OPS_ORG")" "$APP_ORG_ID"
expect 200 404
if [ "$status" = 404 ]; then
  send POST /api/orgs "$APP_ORG_ID" "{\"name\":\"$OPS_ORG\"}"
  expect 200
  org=$(field "$(cat "$body")" orgId)
  echo "org $OPS_ORG ($org): created"
else
  org=$(field "$(cat "$body")" id)
  send POST "/api/orgs/$org/users" "$APP_ORG_ID" "{\"loginOrEmail\":\"$GF_ADMIN_USER\",\"role\":\"Admin\"}"
  expect 200 409
fi
[ -n "$org" ] || { echo "no id for org $OPS_ORG" >&2; exit 1; }

# The Loki data source, by its uid: updated when there, else created.
ds_uid=$(field "$(cat "$OPS_DIR/datasource.json")" uid)
request GET "/api/datasources/uid/$ds_uid" "$org"
expect 200 404
if [ "$status" = 200 ]; then
  send PUT "/api/datasources/uid/$ds_uid" "$org" "@$OPS_DIR/datasource.json"
else
  send POST /api/datasources "$org" "@$OPS_DIR/datasource.json"
fi
expect 200
echo "org $org: data source $ds_uid"

# The folder of the alert rules and of the dashboards.
request GET "/api/folders/$ALERT_FOLDER_UID" "$org"
expect 200 404
if [ "$status" = 404 ]; then
  send POST /api/folders "$org" "{\"uid\":\"$ALERT_FOLDER_UID\",\"title\":\"$ALERT_FOLDER\"}"
  expect 200
fi

# Contact point (by uid), notification policy tree, rule group.
cp_uid=$(field "$(cat "$OPS_DIR/contact-point.json")" uid)
request GET /api/v1/provisioning/contact-points "$org"
expect 200
if grep -qF "\"uid\":\"$cp_uid\"" "$body"; then
  send PUT "/api/v1/provisioning/contact-points/$cp_uid" "$org" "@$OPS_DIR/contact-point.json"
else
  send POST /api/v1/provisioning/contact-points "$org" "@$OPS_DIR/contact-point.json"
fi
expect 200 202
send PUT /api/v1/provisioning/policies "$org" "@$OPS_DIR/policies.json"
expect 200 202
group=$(field "$(cat "$OPS_DIR/alert-rule-group.json")" title)
send PUT "/api/v1/provisioning/folder/$ALERT_FOLDER_UID/rule-groups/$(urlencoded "$group")" "$org" \
  "@$OPS_DIR/alert-rule-group.json"
expect 200
echo "org $org: folder $ALERT_FOLDER, rule group $group, contact point $cp_uid, policy"

# The app's dashboards ([{"uid":..,"path":..,"imported":..,"importedRevision":..,"revision":..,"removed":..},...],
# one object per line here; the objects hold no nested objects), listed where the app is enabled.
app_dashboards() {
  request GET "/api/plugins/$APP_ID/dashboards" "$APP_ORG_ID"
  expect 200
  sed 's/^\[//; s/\]$//; s/},{/}\n{/g' "$body" | grep -F '"removed":false' || true
}
not_current() { # the items Grafana has not imported into the main org at the revision of the plugin's file
  app_dashboards | while IFS= read -r item; do
    if [ "$(field "$item" imported)" != true ] \
      || [ "$(field "$item" importedRevision)" != "$(field "$item" revision)" ]; then
      printf '%s\n' "$item"
    fi
  done
}
# GET /api/plugins/:id/settings: 404 when the plugin is not installed; {"enabled":false,...} when switched off;
# the installed version is the last "version" of the answer (plugins.go Info, after author, logos, build).
request GET "/api/plugins/$APP_ID/settings" "$APP_ORG_ID"
[ "$status" = 200 ] || { echo "app $APP_ID is not installed in Grafana" >&2; exit 1; }
settings=$(cat "$body")
[ "$(field "$settings" enabled)" = true ] || { echo "app $APP_ID is not enabled in Grafana" >&2; exit 1; }
version=$(printf '%s' "$settings" | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
last=""
[ -n "$STATE_DIR" ] && [ -f "$STATE_DIR/app-version" ] && last=$(cat "$STATE_DIR/app-version")
# Grafana imports the app's dashboards into the main org when it enables the app and at the first start of each new
# version (DashboardUpdater), possibly after /api/health answers: then wait for that import, so that what is removed
# below stays removed. At a start with the version already handled there is nothing to wait for.
if [ -z "$STATE_DIR" ] || [ "$version" != "$last" ]; then
  waited=0
  while [ -n "$(not_current)" ] && [ "$waited" -lt "$IMPORT_WAIT_SECONDS" ]; do
    sleep 2
    waited=$((waited + 2))
  done
fi
count=0
app_dashboards >"$list"
while IFS= read -r item; do
  uid=$(field "$item" uid)
  path=$(field "$item" path)
  send POST /api/dashboards/import "$org" \
    "{\"pluginId\":\"$APP_ID\",\"path\":\"$path\",\"overwrite\":true,\"inputs\":[],\"folderUid\":\"$ALERT_FOLDER_UID\"}"
  expect 200
  request DELETE "/api/dashboards/uid/$uid" "$APP_ORG_ID"
  expect 200 404
  echo "dashboard $uid: in org $OPS_ORG, not in the main org"
  count=$((count + 1))
done <"$list"
[ "$count" -gt 0 ] || echo "app $APP_ID includes no dashboards"
if [ -n "$STATE_DIR" ]; then printf '%s' "$version" >"$STATE_DIR/app-version"; fi
