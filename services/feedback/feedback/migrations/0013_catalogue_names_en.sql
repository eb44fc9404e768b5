-- English second (issue 13): a service's name in English beside its Chinese one.
-- depends: 0012_privacy

ALTER TABLE services ADD COLUMN name_en text;
