DROP TABLE login_failures;
DROP TRIGGER audit_events_no_update ON audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE user_locations;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE locations;
