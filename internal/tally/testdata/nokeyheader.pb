META
description;no key/value header (old Warsaw copies)
budget;7
num_projects;3
num_votes;5
vote_type;approval
PROJECTS
project_id;cost
p1;3
p2;3
p3;4
VOTES
voter_id;vote
1;p1,p2
2;p1,p2
3;p3
4;p3
5;p1