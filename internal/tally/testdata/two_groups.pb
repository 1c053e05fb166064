META
key;value
description;Two groups of voters: 6 share projects A and B, 4 want C
num_projects;4
num_votes;10
budget;10000
vote_type;approval
currency;EUR
categories;parks,streets
budget_per_category;7000,4000
PROJECTS
project_id;cost;name;category
A;6000;Large park;parks
B;4000;Small park;parks
C;4000;Street lights;streets
D;2500;Bench;streets
VOTES
voter_id;vote
1;A,B
2;A,B
3;A,B
4;A,B
5;A,B
6;A,B
7;C
8;C
9;C
10;C,D
