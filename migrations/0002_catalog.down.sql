DROP TABLE contract_price_tiers;
DROP TABLE contract_prices;
DROP TABLE contract_locations;
DROP TABLE contracts;
DROP TABLE items;
DROP TABLE vendors;
