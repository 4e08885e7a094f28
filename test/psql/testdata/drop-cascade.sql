-- DROP … RESTRICT / CASCADE: 2BP01 lists every dependent, CASCADE names them in one NOTICE (PostgreSQL 15 texts).
create schema s4;
create table s4.p (id int primary key);
create table s4.ch (id int, pid int references s4.p);
create view s4.v as select * from s4.p;
create view s4.v2 as select * from s4.v;
drop table s4.p;
drop schema s4;
drop table s4.p cascade;
create table s4.t3 (id serial primary key);
drop sequence s4.t3_id_seq;
create table pp (id int primary key);
create table cc (pid int references pp, qid int references pp);
create table dd (pid int references pp);
drop table pp;
drop table pp cascade;
\d cc
drop table cc, dd;
create table a1 (id int primary key);
create table b1 (aid int references a1);
drop table a1, b1;
drop schema s4 cascade;
create schema s5;
create table s5.only (x int);
drop schema s5 cascade;
