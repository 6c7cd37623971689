-- The process that owns a running completion (a token it makes at start-up): its every write names it, so a process
-- that lost its lease (paused past it while another node ended the answer) writes nothing more.
ALTER TABLE completion ADD COLUMN owner_token VARCHAR(36);
