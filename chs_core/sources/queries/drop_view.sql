-- A contract view that was empty because its table was not supplied; {view} is a quoted contract name.
DROP VIEW IF EXISTS {view}
