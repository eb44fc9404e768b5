-- English second: a service's description, standard and fee in English beside the Chinese
-- (the English pages showed the Chinese fee text).
-- depends: 0015_completion_photos

ALTER TABLE services ADD COLUMN description_en text, ADD COLUMN standard_en text,
    ADD COLUMN fee_en text;
