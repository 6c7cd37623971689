-- Conversations belong to a user: the name a Jupyter proxy asserts, or '' for the one user of a service without a
-- users secret (what every earlier row belonged to). A clientMessageId is unique per user; a completion carries its
-- user too, so that a resume or a cancel by id checks it without a join.
ALTER TABLE conversation ADD COLUMN owner_user VARCHAR(255) DEFAULT '' NOT NULL;
ALTER TABLE message ADD COLUMN owner_user VARCHAR(255) DEFAULT '' NOT NULL;
ALTER TABLE completion ADD COLUMN owner_user VARCHAR(255) DEFAULT '' NOT NULL;
ALTER TABLE message DROP CONSTRAINT message_client_message_id_uq;
ALTER TABLE message ADD CONSTRAINT message_user_client_message_id_uq UNIQUE (owner_user, client_message_id);
CREATE INDEX conversation_user_updated_idx ON conversation (owner_user, updated_at);
