#!/bin/sh
# One database and one login role per service, each role owning only its own database:
# no service can read (or even connect to) another's tables. The official postgres image
# runs this once, when it initialises an empty data volume, as the superuser.
#
# Passwords come from <SERVICE>_DB_PASSWORD (docker-compose.yml passes them from .env);
# psql quotes them itself, so any character is safe here. (The services' URLs embed them
# unencoded, hence the advice in .env.example to use URL-safe passwords.)
# Changing a password later: ALTER ROLE circles_<service> PASSWORD '...' (or a fresh volume).
set -e

for service in people checkins notifications resources reporting; do
  variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  password="$(printenv "$variable" || true)"
  if [ -z "$password" ]; then
    echo "init-databases: $variable is not set" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
       -v name="circles_$service" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
-- PostgreSQL lets every role connect to every database by default; only the owner may here.
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
