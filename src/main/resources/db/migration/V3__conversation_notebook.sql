-- The notebook a conversation was started from (its first question's context.notebookPath), for history per notebook.
ALTER TABLE conversation ADD COLUMN notebook_path VARCHAR(1024);
CREATE INDEX conversation_notebook_idx ON conversation (notebook_path, updated_at);
