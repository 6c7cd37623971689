-- Agent mode: the request an agent answer continues from after a restart, when it began waiting for the notebook,
-- and its tool calls and results: events of its seq stream beside the chunks (whose text stays on the completion row).
ALTER TABLE completion ADD COLUMN agent_request TEXT;
ALTER TABLE completion ADD COLUMN waiting_since TIMESTAMP WITH TIME ZONE;

CREATE TABLE completion_event (
    completion_id  UUID NOT NULL REFERENCES completion (id) ON DELETE CASCADE,
    seq            BIGINT NOT NULL,
    kind           VARCHAR(16) NOT NULL,
    call_id        UUID NOT NULL,
    -- the call a result answers (NULL for a call): one result per call, whichever connection sent it first
    result_of      UUID,
    payload        TEXT NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (completion_id, seq),
    CONSTRAINT completion_event_result_uq UNIQUE (completion_id, result_of)
);
CREATE INDEX completion_waiting_idx ON completion (waiting_since);
