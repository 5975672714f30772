DROP TRIGGER locations_catalogue_version ON locations;
DROP TRIGGER contract_locations_catalogue_version ON contract_locations;
DROP TRIGGER contract_price_tiers_catalogue_version ON contract_price_tiers;
DROP TRIGGER contract_prices_catalogue_version ON contract_prices;
DROP TRIGGER contracts_catalogue_version ON contracts;
DROP TRIGGER vendors_catalogue_version ON vendors;
DROP TRIGGER items_catalogue_version ON items;
DROP FUNCTION bump_catalogue_version();
DROP TABLE catalogue_version;
