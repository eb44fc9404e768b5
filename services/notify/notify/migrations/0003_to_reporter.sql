-- Messages to a report's reporters: operators' views show "reporter" instead of who it is, so
-- that the delivery log never names an anonymous reporter.
-- depends: 0002_rules_directory_deliveries

ALTER TABLE messages ADD COLUMN to_reporter boolean NOT NULL DEFAULT false;
