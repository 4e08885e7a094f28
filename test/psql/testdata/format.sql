-- format(): %s %I %L %%, positions (n$), widths (n, *, *n$, negative), NULLs and PostgreSQL's errors.
SELECT format('Hello %s', 'World');
SELECT format('Testing %s, %s, %s, %%', 'one', 'two', 'three');
SELECT format('INSERT INTO %I VALUES(%L)', 'Foo bar', E'O\'Reilly');
SELECT format('INSERT INTO %I VALUES(%L)', 'locations', 'C:\Program Files');
SELECT format('|%10s|', 'foo'), format('|%-10s|', 'foo'), format('|%*s|', 10, 'foo'), format('|%*s|', -10, 'foo'), format('|%-*s|', 10, 'foo'), format('|%-*s|', -10, 'foo');
SELECT format('Testing %3$s, %2$s, %1$s', 'one', 'two', 'three');
SELECT format('Testing %3$s, %2$s, %s', 'one', 'two', 'three');
SELECT format('%s %s', 1, NULL), format('%L', NULL), format(NULL), format(NULL, 1), format('%s', 1.5::numeric), format('%s', true), format('%s', ARRAY[1,2]);
SELECT format('%I', NULL);
SELECT format('%s %s', 'a');
SELECT format('%x', 'a');
SELECT format('%', 'a');
SELECT format('%0$s', 'a');
SELECT format('%1$s %1$L %I', 'ab', 'select');
SELECT format('%*2$s|', 'x', 5);
SELECT format('no args');
SELECT format('%-5s|%5s|', 'äöü', 'ß');
