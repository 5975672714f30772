DROP TABLE contract_committed;
