-- Trigram indexes for the inbox search (db/schema/personal.ts: youngsters_name_trgm_idx,
-- messages_body_trgm_idx). drizzle-kit cannot create an extension, so this is a custom migration;
-- it must run before the migration that creates those indexes.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it, no superuser needed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
