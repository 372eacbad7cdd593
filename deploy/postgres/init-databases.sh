#!/usr/bin/env bash
# One Postgres server, one database per service, each owned by its own login role: a service that
# is broken into reaches only its own tables, never the superuser. The postgres image runs this
# once, when the data volume is empty; the passwords come from the environment, never a file.
# psql's :'name' quoting keeps a password with quotes in it a literal, not SQL.
set -Eeo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v login_history_password="${POSTGRES_LOGIN_HISTORY_PASSWORD:?set POSTGRES_LOGIN_HISTORY_PASSWORD}" \
  -v account_guard_password="${POSTGRES_ACCOUNT_GUARD_PASSWORD:?set POSTGRES_ACCOUNT_GUARD_PASSWORD}" <<'SQL'
CREATE ROLE login_history LOGIN PASSWORD :'login_history_password';
CREATE DATABASE login_history OWNER login_history;
REVOKE ALL ON DATABASE login_history FROM PUBLIC;

CREATE ROLE account_guard LOGIN PASSWORD :'account_guard_password';
CREATE DATABASE account_guard OWNER account_guard;
REVOKE ALL ON DATABASE account_guard FROM PUBLIC;
SQL
