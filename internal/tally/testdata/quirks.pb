META
key;value
description;Synthetic election exercising the format quirks
country;Nowhere
unit;Testville
instance;2025
num_projects;4
num_votes;5
budget;1000,50
vote_type;approval
rule;greedy
currency;EUR
PROJECTS
project_id;cost;votes;name;category
OGM/1;400.0;3;"Park; trees and ""benches""";green,sport
c2;350.25;2;Library;culture
10;300;3;None;green
9;200;1;Bike racks;None
VOTES
voter_id;vote;age
v1;OGM/1,10,10;34
v2;OGM/1, c2;None

v3;10,9;51
v4;c2,OGM/1,;
v5;10
