---- tern: disable-tx ----
-- Privacy: the chat retention purge (chat.PurgeSessions) looks for sessions
-- idle since before the retention date; without this index every run would
-- scan all sessions. Built concurrently so a running service keeps saving
-- chat turns meanwhile (hence no transaction and a single statement).
CREATE INDEX CONCURRENTLY IF NOT EXISTS chat_sessions_updated_idx ON chat_sessions (updated_at);

---- create above / drop below ----
---- tern: disable-tx ----
DROP INDEX CONCURRENTLY IF EXISTS chat_sessions_updated_idx;
