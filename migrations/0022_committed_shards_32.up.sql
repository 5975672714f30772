-- Uncapped contracts' committed spend over 32 rows each instead of 8
-- (store.committedShards): concurrent orders that share a contract wait
-- for each other only when they draw the same row, and carts spread over
-- many contracts drew the same one often enough to queue (lock waits
-- sampled under load). A read sums at most 32 small rows.
ALTER TABLE contract_committed DROP CONSTRAINT contract_committed_shard_check;
ALTER TABLE contract_committed ADD CONSTRAINT contract_committed_shard_check CHECK (shard BETWEEN 0 AND 31);
