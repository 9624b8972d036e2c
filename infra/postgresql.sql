-- PostgreSQL for production: one owner role for migrations and the service.
-- Run as the postgres superuser: psql -f infra/postgresql.sql
CREATE ROLE registry LOGIN PASSWORD 'CHANGE-ME';
CREATE DATABASE registry OWNER registry ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE registry FROM PUBLIC;
