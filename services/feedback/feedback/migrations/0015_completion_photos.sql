-- Completion photos (issue 16): the worker who fixed it adds photos of the finished work to the
-- report; they are told apart from the reporter's own photos.
-- depends: 0013_catalogue_names_en

ALTER TABLE photos ADD COLUMN completion boolean NOT NULL DEFAULT false;
