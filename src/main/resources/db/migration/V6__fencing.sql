-- The process that owns a running completion (a token it makes at start-up): its every write names it, so a process
-- that lost its lease (paused past it while the other nodes ended the answer) writes nothing more. A cancel asked on
-- another node waits here for the owner to see it, should the relay between nodes have lost it.
ALTER TABLE completion ADD COLUMN owner_token VARCHAR(36);
ALTER TABLE completion ADD COLUMN cancel_requested BOOLEAN DEFAULT FALSE NOT NULL;
