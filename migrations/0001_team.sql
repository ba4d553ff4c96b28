-- The team setup's tables: runs (their queue, leases and history) and every
-- log line. Created and migrated by the binary itself (`serve --db`,
-- `worker --db`); the embedded default keeps SQLite and files.

CREATE TABLE runs (
    id          BIGSERIAL PRIMARY KEY,
    suite       TEXT NOT NULL,
    file        TEXT,
    env         TEXT,
    lang        TEXT,
    kind        TEXT NOT NULL DEFAULT 'suite',
    status      TEXT NOT NULL,
    -- which workers may take it; a worker takes its own pool's runs only
    pool        TEXT NOT NULL DEFAULT 'default',
    worker      TEXT,
    -- the suite text the run ran (never a secret: those are resolved on the worker)
    suite_text  TEXT,
    -- how to run it: env, lang, fail_fast, tags (JSON of the run options)
    options     TEXT NOT NULL DEFAULT '{}',
    queued_at   BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    counts      TEXT NOT NULL,
    -- the holder's token and deadline while it runs; every write is fenced on both
    lease_token TEXT,
    lease_until TIMESTAMPTZ,
    -- the highest seq stored, written in the same transaction as the lines
    last_seq    BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX runs_queued ON runs (pool, id) WHERE status = 'queued';
CREATE INDEX runs_leased ON runs (lease_until) WHERE status = 'running';

-- `line` is the wire's JSON of the line, as a run's log file holds it, so a
-- read forwards it without parsing; `dropped` is non-zero only on the gap
-- marker that stands for lines that could not be stored.
CREATE TABLE log_lines (
    run_id  BIGINT NOT NULL,
    seq     BIGINT NOT NULL,
    dropped BIGINT NOT NULL DEFAULT 0,
    line    TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
