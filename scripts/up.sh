#!/bin/sh
# Starts the AuditLens stack: `sh scripts/up.sh` (arguments go to `docker compose up`, e.g. `-d`; profiles through
# COMPOSE_PROFILES, e.g. `COMPOSE_PROFILES=ha sh scripts/up.sh --scale export-service=0`).
# On the first run it writes .env from .env.example with a fresh random value for every secret the stack uses, so
# no secret anyone else knows is ever in use; later runs keep .env as it is and only fill secrets still empty.
# It refuses a secret that still holds a placeholder (`change-me...`), saying which. Grafana's admin login is
# GF_ADMIN_USER / GF_ADMIN_PASSWORD in .env. `sh scripts/up.sh --env-only` writes .env and starts nothing.
set -eu
cd "$(dirname "$0")/.."
SECRETS="GF_ADMIN_PASSWORD AUDITLENS_SHARED_SECRET OTLP_BEARER_TOKEN POSTGRES_PASSWORD"
umask 077

# 32 random bytes as hex: 256 bits, safe in URLs (POSTGRES_PASSWORD goes into DATABASE_URL), sed and YAML.
random_secret() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
value_of() { sed -n "s/^$1=//p" .env | tail -n 1; }
# set_value NAME VALUE: replaces the NAME= line of .env, or appends one.
set_value() {
  awk -v name="$1" -v value="$2" '
    index($0, name "=") == 1 { if (!done) print name "=" value; done = 1; next }
    { print }
    END { if (!done) print name "=" value }
  ' .env >.env.tmp
  mv .env.tmp .env
}

if [ ! -f .env ]; then
  cp .env.example .env
  echo "wrote .env from .env.example"
fi
for name in $SECRETS; do
  value=$(value_of "$name")
  case "$value" in
    '')
      set_value "$name" "$(random_secret)"
      echo "set $name in .env to a random value"
      ;;
    *[Cc][Hh][Aa][Nn][Gg][Ee]-[Mm][Ee]* | *[Cc][Hh][Aa][Nn][Gg][Ee][Mm][Ee]*)
      echo "$name in .env is a placeholder: delete the value (keep \"$name=\") and run this again for a random" \
        "one, or set your own long random value" >&2
      exit 1
      ;;
  esac
done
chmod 600 .env
echo "Grafana: http://localhost:3000, user $(value_of GF_ADMIN_USER), password: GF_ADMIN_PASSWORD in .env"

[ "${1:-}" = --env-only ] && exit 0
exec docker compose up "$@"
