-- A praise (表扬) opens no ticket: it is routed like a repair and credited to the team and the
-- person on duty at the post (tickets.praises); one row per report, so a redelivered report is
-- credited once (its PraiseReceived is written in the transaction that inserts the row).
-- depends: 0008_report_tracks

CREATE TABLE praises (
    report_id     uuid PRIMARY KEY,
    tracking_no   text NOT NULL,
    category      text NOT NULL,
    department_id text,
    team_id       text,
    staff_id      text,
    received_at   timestamptz NOT NULL
);
