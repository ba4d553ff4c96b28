-- From the deploy pipeline: labels, what a run reported (for JUnit, compare
-- and notifications), cancelling, and the tokens that let people in.

ALTER TABLE runs
    ADD COLUMN labels TEXT NOT NULL DEFAULT '{}',
    ADD COLUMN result TEXT,
    -- set by `POST /api/cancel`; the run's holder sees it when it renews its lease
    ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT false;

-- Only a token's SHA-256 is kept: the token itself is printed once.
CREATE TABLE tokens (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    scope      TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- The page's sessions (a cookie per browser), each made from a token: revoking
-- the token ends them too.
CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    token_id   BIGINT NOT NULL REFERENCES tokens (id),
    expires_at BIGINT NOT NULL
);
