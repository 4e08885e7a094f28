-- Where errors point: a literal's input error at the literal (also inside a cast, a VALUES list,
-- UPDATE … SET and WHERE), none for a length or precision error, DateStyle's hint for a month or
-- day no calendar has; integrity violations (their schema/table/constraint fields are checked
-- over node-postgres in test/sql/node-postgres.test.ts).
CREATE TABLE ii (a int PRIMARY KEY, b date, c varchar(3), d numeric(3,1));
INSERT INTO ii VALUES ('x', '2020-01-01');
INSERT INTO ii VALUES (1, '2020-13-01'), (2, 'y');
INSERT INTO ii (b, a) VALUES ('2020-01-01', '1.5');
INSERT INTO ii (a, c) VALUES (1, 'abcd');
INSERT INTO ii (a, d) VALUES (1, '12345');
INSERT INTO ii (a, b) VALUES (1, '2020-02-30');
INSERT INTO ii (a) VALUES (1);
UPDATE ii SET a = 'zz';
UPDATE ii SET c = 'abcdef' WHERE a = 1;
UPDATE ii SET d = 999;
SELECT * FROM ii WHERE a = 'q';
SELECT '2020-13-01'::timestamp;
SELECT CAST('abc' AS int);
SELECT int '12x';
SELECT 'abc'::varchar(2), '12.34'::numeric(4,1);
SELECT '13/25/2020'::date;
SELECT '25:00'::time;
INSERT INTO ii VALUES (1);
INSERT INTO ii (a, c) VALUES (NULL, 'a');
DROP TABLE ii;
