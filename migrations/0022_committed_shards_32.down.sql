-- Fold shards 8-31 into 0-7 (same contract, shard mod 8), then narrow.
INSERT INTO contract_committed (contract_id, shard, amount)
SELECT contract_id, shard % 8, sum(amount) FROM contract_committed WHERE shard >= 8 GROUP BY contract_id, shard % 8
ON CONFLICT (contract_id, shard) DO UPDATE SET amount = contract_committed.amount + EXCLUDED.amount;
DELETE FROM contract_committed WHERE shard >= 8;
ALTER TABLE contract_committed DROP CONSTRAINT contract_committed_shard_check;
ALTER TABLE contract_committed ADD CONSTRAINT contract_committed_shard_check CHECK (shard BETWEEN 0 AND 7);
