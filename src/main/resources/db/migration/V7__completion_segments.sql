-- Append-only progress of running completions: each checkpoint adds, per answer, one row with the text and chunk
-- lengths of the chunks (seqs first_seq..last_seq; tool events take seqs but no text) stored since the last one, so
-- a checkpoint writes only what is new. A completion's text is its own text followed by its segments in seq order;
-- when it ends (or pauses for tool results) the whole text is folded into the completion row and its segments go.
CREATE TABLE completion_segment (
    completion_id  UUID NOT NULL REFERENCES completion (id) ON DELETE CASCADE,
    first_seq      BIGINT NOT NULL,
    last_seq       BIGINT NOT NULL,
    text           TEXT NOT NULL,
    chunk_lengths  TEXT NOT NULL,
    PRIMARY KEY (completion_id, first_seq)
);
