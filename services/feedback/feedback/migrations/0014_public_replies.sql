-- Published replies (issue 14): a suggestion's or consultation's answer, as staff word it for
-- the public board (公示): the question and the reply, nothing personal.
-- depends: 0014_catalogue_chase_and_reply

CREATE TABLE public_replies (
    report_id    uuid PRIMARY KEY REFERENCES reports (id),
    question     text        NOT NULL,
    reply        text        NOT NULL,
    published_by text        NOT NULL,
    published_at timestamptz NOT NULL
);
CREATE INDEX public_replies_at ON public_replies (published_at DESC);
