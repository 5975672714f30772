-- Foundation: locations, users with roles and locations, sessions, the
-- append-only audit log, and sign-in throttling.

CREATE TABLE locations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL,
    name       text NOT NULL,
    currency   text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    version    bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT locations_code_key UNIQUE (code),
    CONSTRAINT locations_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,15}$'),
    CONSTRAINT locations_name_length CHECK (length(name) BETWEEN 1 AND 120),
    CONSTRAINT locations_currency_format CHECK (currency ~ '^[A-Z]{3}$')
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL,
    name          text NOT NULL,
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    -- generation is bumped to end every session of the user at once
    -- (deactivation, password change, "sign out everywhere").
    generation    bigint NOT NULL DEFAULT 1,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lower CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    CONSTRAINT users_name_length CHECK (length(name) BETWEEN 1 AND 120)
);

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL,
    PRIMARY KEY (user_id, role),
    CONSTRAINT user_roles_role_check CHECK (role IN ('orderer', 'procurement', 'finance', 'owner'))
);
CREATE INDEX user_roles_role_idx ON user_roles (role);

CREATE TABLE user_locations (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    location_id bigint NOT NULL REFERENCES locations (id),
    PRIMARY KEY (user_id, location_id)
);
CREATE INDEX user_locations_location_idx ON user_locations (location_id);

-- scs sessions (github.com/alexedwards/scs/pgxstore schema).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE audit_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  bigint,
    before     jsonb,
    after      jsonb,
    request_id text
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, id DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id DESC);

-- The audit log is append-only, whatever role the app connects as
-- (ASVS 16.4.2): updates and deletes raise.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Failed sign-ins per key ("email:<address>" or "ip:<address>"), counted in
-- Postgres so that every app instance sees the same numbers.
CREATE TABLE login_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);
