-- An application moved to another project: the feed also says it left the old one (a deletion
-- under OLD.project), so a stream allowed on the old project only drops it (stream-items.ts).
CREATE OR REPLACE FUNCTION change_feed_application() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO change_feed (kind, name, project, deleted) VALUES ('application', OLD.name, OLD.project, true);
  ELSIF TG_TABLE_NAME = 'applications' THEN
    -- A rename is a delete of the old name and a new name; a move leaves the old project.
    IF TG_OP = 'UPDATE' AND (OLD.name <> NEW.name OR OLD.project <> NEW.project) THEN
      INSERT INTO change_feed (kind, name, project, deleted) VALUES ('application', OLD.name, OLD.project, true);
    END IF;
    INSERT INTO change_feed (kind, name) VALUES ('application', NEW.name);
  ELSE
    INSERT INTO change_feed (kind, name) VALUES ('application', NEW.app_name);
  END IF;
  IF TG_NARGS = 0 OR TG_ARGV[0] <> 'quiet' THEN
    PERFORM pg_notify('flotilla_changes', '');
  END IF;
  RETURN NULL;
END $$;
