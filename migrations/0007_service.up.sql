-- Procurement as a service: notifications (in-app and an email outbox),
-- per-user email preferences, help pages and requests, announcements,
-- contract renewals, milestones and documents, and baseline prices for
-- the value report.

CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    kind       text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    link       text NOT NULL DEFAULT '',
    -- one notification per event and person: the scheduled job and
    -- retried requests insert with ON CONFLICT DO NOTHING
    dedupe_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    CONSTRAINT notifications_dedupe_key UNIQUE (user_id, dedupe_key),
    CONSTRAINT notifications_link_check CHECK (link = '' OR link LIKE '/%')
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Emails waiting to be sent, written in the transaction of their event.
-- Workers claim rows with FOR UPDATE SKIP LOCKED and a lease, so several
-- instances never send one row at the same time.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id bigint REFERENCES notifications (id),
    to_email        text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    sent_at         timestamptz,
    failed_at       timestamptz, -- gave up after the last attempt; kept for the record
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Email per event type; no row means the default (on).
CREATE TABLE notification_prefs (
    user_id bigint NOT NULL REFERENCES users (id),
    kind    text NOT NULL,
    email   boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE help_pages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       text NOT NULL,
    topic      text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL, -- Markdown; rendered without raw HTML
    version    bigint NOT NULL DEFAULT 1,
    updated_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    search     tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || topic || ' ' || body)) STORED,
    CONSTRAINT help_pages_slug_key UNIQUE (slug),
    CONSTRAINT help_pages_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    CONSTRAINT help_pages_title_length CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT help_pages_topic_length CHECK (length(topic) BETWEEN 1 AND 80),
    CONSTRAINT help_pages_body_length CHECK (length(body) <= 50000)
);
CREATE INDEX help_pages_search_idx ON help_pages USING gin (search);

CREATE TABLE help_requests (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id           bigint NOT NULL REFERENCES users (id),
    subject           text NOT NULL,
    link              text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT 'open',
    assignee_id       bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    first_response_at timestamptz,
    resolved_at       timestamptz,
    version           bigint NOT NULL DEFAULT 1,
    CONSTRAINT help_requests_status_check CHECK (status IN ('open', 'answered', 'resolved')),
    CONSTRAINT help_requests_subject_length CHECK (length(subject) BETWEEN 1 AND 200),
    CONSTRAINT help_requests_link_check CHECK (link = '' OR link ~ '^/(requests|pos|invoices|contracts)/[0-9]+$')
);
CREATE INDEX help_requests_user_idx ON help_requests (user_id, id DESC);
CREATE INDEX help_requests_status_idx ON help_requests (status, id DESC);

CREATE TABLE help_messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES help_requests (id),
    user_id    bigint NOT NULL REFERENCES users (id),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT help_messages_body_length CHECK (length(body) BETWEEN 1 AND 10000)
);
CREATE INDEX help_messages_request_idx ON help_messages (request_id, id);

CREATE TABLE announcements (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title      text NOT NULL,
    body       text NOT NULL, -- Markdown
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    ends_on    date, -- shown until then (inclusive) or until dismissed
    CONSTRAINT announcements_title_length CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT announcements_body_length CHECK (length(body) <= 10000)
);
CREATE TABLE announcement_dismissals (
    announcement_id bigint NOT NULL REFERENCES announcements (id),
    user_id         bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (user_id, announcement_id)
);

ALTER TABLE contracts ADD COLUMN predecessor_id bigint REFERENCES contracts (id);
CREATE UNIQUE INDEX contracts_predecessor_key ON contracts (predecessor_id);

CREATE TABLE contract_milestones (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id bigint NOT NULL REFERENCES contracts (id),
    due_on      date NOT NULL,
    description text NOT NULL,
    owner_id    bigint NOT NULL REFERENCES users (id),
    done_at     timestamptz,
    done_by     bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contract_milestones_description_length CHECK (length(description) BETWEEN 1 AND 300)
);
CREATE INDEX contract_milestones_contract_idx ON contract_milestones (contract_id, due_on);
CREATE INDEX contract_milestones_due_idx ON contract_milestones (due_on) WHERE done_at IS NULL;

CREATE TABLE contract_documents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id  bigint NOT NULL REFERENCES contracts (id),
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         integer NOT NULL,
    data         bytea NOT NULL,
    sha256       text NOT NULL,
    uploaded_by  bigint REFERENCES users (id),
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contract_documents_type_check CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    CONSTRAINT contract_documents_size_check CHECK (size = length(data) AND size <= 10485760),
    CONSTRAINT contract_documents_filename_length CHECK (length(filename) BETWEEN 1 AND 200)
);
CREATE INDEX contract_documents_contract_idx ON contract_documents (contract_id, id);

-- What was paid or quoted before the contract: savings = (baseline −
-- contract price) × quantity ordered.
ALTER TABLE contract_prices ADD COLUMN baseline_price numeric(16, 4);
ALTER TABLE contract_prices ADD CONSTRAINT contract_prices_baseline_check CHECK (baseline_price IS NULL OR (baseline_price <> 'NaN' AND baseline_price >= 0));
