-- Which generator wrote this demo database, and with which build parameters (JSON). Not a contract table:
-- sources read only the contract tables, so validation never sees it.
CREATE TABLE _chs_demo_build (generator_version VARCHAR, params VARCHAR, built_at TIMESTAMP)
