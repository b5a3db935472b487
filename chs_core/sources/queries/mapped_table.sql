-- A file or table with its columns renamed and recoded by the mapping; {columns} are built with every name quoted.
SELECT {columns} FROM {relation}
