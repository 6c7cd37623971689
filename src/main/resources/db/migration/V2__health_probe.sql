-- The one row the readiness check writes, so that "ready" means the database can commit a write, not only answer.
CREATE TABLE health_probe (
    id          INT PRIMARY KEY,
    checked_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO health_probe (id, checked_at) VALUES (1, CURRENT_TIMESTAMP);
