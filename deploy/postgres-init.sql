-- One Postgres server, one database per service (each service owns its own).
CREATE DATABASE login_history;
CREATE DATABASE account_guard;
