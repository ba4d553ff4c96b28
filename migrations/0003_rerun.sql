-- A run that re-runs the failed cases of an earlier one names it.
ALTER TABLE runs ADD COLUMN rerun_of BIGINT;
