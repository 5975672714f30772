-- Committed spend of uncapped contracts, kept as a sharded counter: each
-- submitting transaction adds its lines to one of 8 rows per contract
-- (chosen at random), a cancellation subtracts from one, and a read sums at
-- most 8 rows. Capped contracts keep contracts.committed, whose guarded
-- update enforces the cap. Orders on one big uncapped contract thus rarely
-- wait for each other (1 in 8 collide), and reports no longer sum a
-- contract's whole PO-line history on every read.
CREATE TABLE contract_committed (
    contract_id bigint NOT NULL REFERENCES contracts (id),
    shard       smallint NOT NULL,
    amount      numeric(18, 3) NOT NULL,
    PRIMARY KEY (contract_id, shard),
    CONSTRAINT contract_committed_shard_check CHECK (shard BETWEEN 0 AND 7),
    CONSTRAINT contract_committed_amount_check CHECK (amount <> 'NaN')
);

INSERT INTO contract_committed (contract_id, shard, amount)
SELECT pl.contract_id, 0, sum(pl.total)
FROM po_lines pl
JOIN purchase_orders po ON po.id = pl.po_id
JOIN contracts c ON c.id = pl.contract_id
WHERE c.cap IS NULL AND po.status NOT IN ('cancelled', 'rejected')
GROUP BY pl.contract_id;
