-- What a submission told the person who submitted it besides its POs (a
-- price that changed since the cart showed it, a line no contract could
-- take any more), kept with the request in the submitting transaction:
-- the request page shows it after the submission, instead of a one-time
-- message in the session, which cost a session write per submission and
-- another when the next page took it out.
ALTER TABLE purchase_requests ADD COLUMN submit_notes text[] NOT NULL DEFAULT '{}';
