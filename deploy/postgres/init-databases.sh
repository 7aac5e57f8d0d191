#!/bin/sh
# One database per service: no service can read another's tables.
set -e
for db in people checkins notifications resources reporting; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" -c "CREATE DATABASE circles_$db"
done
