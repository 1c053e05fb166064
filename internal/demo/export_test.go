package demo

import "budgetcitoyen/internal/account"

// TestPasswords are cheap argon2 parameters for the demo accounts of the tests: the suites
// seed many times and measure seeding, not hashing (account's tests check the real cost).
var TestPasswords = account.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
