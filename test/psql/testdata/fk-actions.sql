CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE c_sn (id int PRIMARY KEY, pid int REFERENCES p ON DELETE SET NULL ON UPDATE CASCADE);
CREATE TABLE c_sd (id int PRIMARY KEY, pid int DEFAULT 0 REFERENCES p ON DELETE SET DEFAULT ON UPDATE SET DEFAULT);
CREATE TABLE c_r (id int PRIMARY KEY, pcode text REFERENCES p(code) ON DELETE RESTRICT ON UPDATE RESTRICT);
CREATE TABLE c_na (id int PRIMARY KEY, pid int NOT NULL REFERENCES p ON UPDATE SET NULL);
INSERT INTO p VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO c_sn VALUES (10, 1), (11, 2), (12, NULL);
INSERT INTO c_sd VALUES (20, 1), (21, 3);
INSERT INTO c_r VALUES (30, 'three');
INSERT INTO c_na VALUES (40, 2);
\d c_sn
\d c_sd
\d p
SELECT conname, confupdtype, confdeltype, confmatchtype, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' ORDER BY conname;
SELECT constraint_name, update_rule, delete_rule, match_option FROM information_schema.referential_constraints ORDER BY 1;
DELETE FROM p WHERE id = 1;
SELECT * FROM c_sn ORDER BY id;
SELECT * FROM c_sd ORDER BY id;
UPDATE p SET id = 5 WHERE id = 2;
UPDATE p SET id = 6 WHERE id = 3;
UPDATE p SET code = 'drei' WHERE id = 3;
DELETE FROM p WHERE id = 3;
DELETE FROM c_na;
UPDATE p SET id = 7 WHERE id = 2;
SELECT * FROM c_sn ORDER BY id;
UPDATE p SET id = 7 WHERE id = 3;
SELECT * FROM c_sd ORDER BY id;
DELETE FROM p WHERE id = 0;
DELETE FROM c_r;
DELETE FROM p WHERE id = 7;
SELECT * FROM c_sd ORDER BY id;
DELETE FROM p WHERE id = 0;
-- multi-column, SET NULL (col list), MATCH FULL
CREATE TABLE mp (a int, b int, c int, PRIMARY KEY (a, b));
CREATE TABLE mc (id int PRIMARY KEY, tenant int NOT NULL, x int, y int, FOREIGN KEY (x, y) REFERENCES mp ON DELETE SET NULL (y) ON UPDATE CASCADE);
CREATE TABLE mf (id int PRIMARY KEY, x int, y int, FOREIGN KEY (x, y) REFERENCES mp MATCH FULL ON DELETE CASCADE);
CREATE TABLE bad (x int, y int, FOREIGN KEY (x, y) REFERENCES mp ON UPDATE SET NULL (y));
CREATE TABLE bad (x int, y int, z int, FOREIGN KEY (x, y) REFERENCES mp ON DELETE SET NULL (z));
CREATE TABLE bad (x int, y int, FOREIGN KEY (x, y) REFERENCES mp ON DELETE SET DEFAULT (q));
INSERT INTO mp VALUES (1, 1, 0), (1, 2, 0), (2, 2, 0);
INSERT INTO mc VALUES (1, 9, 1, 1), (2, 9, 1, 2), (3, 9, NULL, 5), (4, 9, 3, 3);
INSERT INTO mc VALUES (1, 9, 1, 1), (2, 9, 1, 2), (3, 9, NULL, 5), (4, 9, 2, 2);
INSERT INTO mf VALUES (1, 1, 1), (2, NULL, NULL), (3, 1, NULL);
INSERT INTO mf VALUES (1, 1, 1), (2, NULL, NULL), (3, 1, 2);
UPDATE mf SET y = NULL WHERE id = 3;
INSERT INTO mf VALUES (4, 5, 5);
\d mc
\d mf
SELECT conname, confupdtype, confdeltype, confmatchtype, confdelsetcols, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('mc'::regclass, 'mf'::regclass) AND contype = 'f';
UPDATE mp SET b = 3 WHERE a = 1 AND b = 1;
SELECT * FROM mc ORDER BY id;
SELECT * FROM mf ORDER BY id;
DELETE FROM mp WHERE a = 1 AND b = 2;
DELETE FROM mp WHERE a = 1 AND b = 3;
SELECT * FROM mc ORDER BY id;
SELECT * FROM mf ORDER BY id;
-- self-referencing chains
CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree ON DELETE CASCADE ON UPDATE CASCADE, note text);
INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b'), (4, 3, 'c'), (5, 1, 'd');
UPDATE tree SET id = 100 WHERE id = 2;
SELECT * FROM tree ORDER BY id;
DELETE FROM tree WHERE id = 100;
SELECT * FROM tree ORDER BY id;
DELETE FROM tree;
CREATE TABLE g1 (id int PRIMARY KEY);
CREATE TABLE g2 (id int PRIMARY KEY, g1 int REFERENCES g1 ON DELETE CASCADE);
CREATE TABLE g3 (id int PRIMARY KEY, g2 int REFERENCES g2 ON DELETE CASCADE);
CREATE TABLE g4 (id int PRIMARY KEY, g3 int REFERENCES g3);
INSERT INTO g1 VALUES (1), (2);
INSERT INTO g2 VALUES (1, 1), (2, 2);
INSERT INTO g3 VALUES (1, 1), (2, 2);
INSERT INTO g4 VALUES (1, 1);
DELETE FROM g1 WHERE id = 1;
DELETE FROM g1 WHERE id = 2;
SELECT (SELECT count(*) FROM g1), (SELECT count(*) FROM g2), (SELECT count(*) FROM g3);
ALTER TABLE g4 ADD CONSTRAINT g4_sn FOREIGN KEY (g3) REFERENCES g3 ON DELETE SET NULL ON UPDATE SET DEFAULT;
SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'g4_sn';

-- SET NULL / SET DEFAULT onto constraints of the referencing table
CREATE TABLE q1 (id int PRIMARY KEY);
CREATE TABLE q2 (id int PRIMARY KEY, r int DEFAULT 42 REFERENCES q1 ON DELETE SET DEFAULT ON UPDATE CASCADE CHECK (r < 50), u int UNIQUE);
CREATE TABLE q3 (id int PRIMARY KEY, r int NOT NULL REFERENCES q2 ON UPDATE SET NULL ON DELETE CASCADE);
INSERT INTO q1 VALUES (1), (2), (3);
INSERT INTO q2 VALUES (1, 1), (2, 2);
INSERT INTO q3 VALUES (5, 2);
DELETE FROM q1 WHERE id = 1;
UPDATE q1 SET id = 60 WHERE id = 1;
CREATE TABLE q4 (id int PRIMARY KEY, s int REFERENCES q1 ON UPDATE CASCADE, t int REFERENCES q1 ON UPDATE CASCADE, UNIQUE (s, t));
INSERT INTO q4 VALUES (1, 1, 2), (2, 2, 1);
UPDATE q1 SET id = 7 WHERE id = 1;
SELECT * FROM q4 ORDER BY id;
UPDATE q2 SET id = 9 WHERE id = 2;
CREATE TABLE q5 (id int PRIMARY KEY, q1 int REFERENCES q1 ON DELETE CASCADE);
CREATE TABLE q6 (id int PRIMARY KEY, q5 int NOT NULL REFERENCES q5 ON DELETE SET NULL);
INSERT INTO q5 VALUES (1, 3); INSERT INTO q6 VALUES (1, 1);
DELETE FROM q1 WHERE id = 3;
DELETE FROM q6;
DELETE FROM q1 WHERE id = 3 RETURNING *;
SELECT * FROM q5;
-- the whole statement runs before its actions: self-referencing updates and deletes
CREATE TABLE t2 (id int PRIMARY KEY, parent int REFERENCES t2 ON UPDATE CASCADE ON DELETE CASCADE);
INSERT INTO t2 VALUES (1, NULL), (2, 1), (3, 2), (4, 1);
UPDATE t2 SET id = id + 100;
SELECT * FROM t2 ORDER BY id;
DELETE FROM t2 WHERE id IN (101, 102);
SELECT * FROM t2 ORDER BY id;
-- NO ACTION looks for the key again at the end of the statement; RESTRICT does not
CREATE TABLE u1 (id int PRIMARY KEY, k int UNIQUE);
CREATE TABLE u2 (k int REFERENCES u1(k));
CREATE TABLE u3 (k int REFERENCES u1(k) ON UPDATE RESTRICT ON DELETE RESTRICT);
INSERT INTO u1 VALUES (1, 10), (2, 20);
INSERT INTO u2 VALUES (10);
INSERT INTO u3 VALUES (20);
UPDATE u1 SET k = k;
UPDATE u1 SET k = 11 WHERE id = 1;
UPDATE u1 SET k = 21 WHERE id = 2;
DELETE FROM u1 WHERE id = 2;
BEGIN;
DELETE FROM u2;
DELETE FROM u1 WHERE id = 1;
ROLLBACK;
SELECT * FROM u1 ORDER BY id;
-- ALTER TABLE ADD CONSTRAINT with actions, MATCH FULL validation
CREATE TABLE vv (x int, y int);
INSERT INTO vv VALUES (1, NULL);
ALTER TABLE vv ADD FOREIGN KEY (x, y) REFERENCES mp MATCH FULL;
ALTER TABLE vv ADD CONSTRAINT vv_fk FOREIGN KEY (x, y) REFERENCES mp ON DELETE SET NULL (x) ON UPDATE SET DEFAULT;
\d vv
-- a Prisma schema: optional relation (SET NULL), required relation (CASCADE / RESTRICT)
CREATE TABLE "User" (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE "Post" (id serial PRIMARY KEY, "authorId" integer, "editorId" integer NOT NULL,
  CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"(id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT "Post_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "User"(id) ON DELETE RESTRICT ON UPDATE CASCADE);
INSERT INTO "User" (email) VALUES ('a'), ('b');
INSERT INTO "Post" ("authorId", "editorId") VALUES (1, 2), (2, 2), (1, 1);
DELETE FROM "User" WHERE id = 1;
UPDATE "Post" SET "editorId" = 2;
DELETE FROM "User" WHERE id = 1;
UPDATE "User" SET id = 20 WHERE id = 2;
SELECT * FROM "Post" ORDER BY id;
\d "Post"
SELECT conname, confupdtype, confdeltype, confmatchtype FROM pg_constraint WHERE contype = 'f' ORDER BY conname;
-- foreign keys between integer types of different widths, and text / varchar
CREATE TABLE pi4 (id int4 PRIMARY KEY);
CREATE TABLE pi8 (id int8 PRIMARY KEY, code varchar(3) UNIQUE);
CREATE TABLE ci8 (id int PRIMARY KEY, r int8 REFERENCES pi4 ON UPDATE CASCADE ON DELETE SET NULL);
CREATE TABLE ci2 (id int PRIMARY KEY, r int2 REFERENCES pi8 ON UPDATE CASCADE, c text REFERENCES pi8(code) ON UPDATE CASCADE);
CREATE TABLE cvc (id int PRIMARY KEY, c varchar(2) REFERENCES pi8(code) ON UPDATE CASCADE);
CREATE TABLE bad (r numeric REFERENCES pi4);
CREATE TABLE bad (r text REFERENCES pi4);
INSERT INTO pi4 VALUES (1), (2), (2147483647);
INSERT INTO pi8 VALUES (1, 'a'), (5000000000, 'bb'), (40000, 'ccc');
INSERT INTO ci8 VALUES (1, 1), (2, 2147483647), (3, 5000000000);
INSERT INTO ci8 VALUES (3, 2);
INSERT INTO ci2 VALUES (1, 1, 'a'), (2, NULL, 'bb');
INSERT INTO ci2 VALUES (3, 32767, NULL);
INSERT INTO cvc VALUES (1, 'bb');
INSERT INTO cvc VALUES (2, 'ccc');
UPDATE pi4 SET id = 10 WHERE id = 1;
SELECT * FROM ci8 ORDER BY id;
DELETE FROM pi4 WHERE id = 2147483647;
SELECT * FROM ci8 ORDER BY id;
UPDATE pi8 SET id = 40000 WHERE id = 1;
UPDATE pi8 SET id = 7 WHERE id = 1;
UPDATE pi8 SET code = 'xyz' WHERE code = 'bb';
UPDATE pi8 SET code = 'b' WHERE code = 'bb';
SELECT * FROM ci2 ORDER BY id;
SELECT * FROM cvc ORDER BY id;
DELETE FROM pi8 WHERE id = 5000000000;
DELETE FROM pi8 WHERE id = 7;
\d ci2
-- NOT VALID constraints (pg_dump keeps them NOT VALID) and VALIDATE CONSTRAINT
CREATE TABLE nv_p (id int PRIMARY KEY);
CREATE TABLE nv_c (p int, q int);
INSERT INTO nv_c VALUES (5, -1);
ALTER TABLE nv_c ADD CONSTRAINT nv_fk FOREIGN KEY (p) REFERENCES nv_p NOT VALID;
ALTER TABLE nv_c ADD CONSTRAINT nv_chk CHECK (q > 0) NOT VALID;
INSERT INTO nv_c VALUES (6, 1);
INSERT INTO nv_c VALUES (NULL, -2);
SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'nv_c'::regclass ORDER BY 1;
\d nv_c
ALTER TABLE nv_c VALIDATE CONSTRAINT nv_fk;
ALTER TABLE nv_c VALIDATE CONSTRAINT nv_chk;
ALTER TABLE nv_c VALIDATE CONSTRAINT nosuch;
ALTER TABLE nv_p VALIDATE CONSTRAINT nv_p_pkey;
DELETE FROM nv_c;
ALTER TABLE nv_c VALIDATE CONSTRAINT nv_fk;
ALTER TABLE nv_c VALIDATE CONSTRAINT nv_chk;
ALTER TABLE nv_c VALIDATE CONSTRAINT nv_chk;
SELECT conname, convalidated, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'nv_c'::regclass ORDER BY 1;
