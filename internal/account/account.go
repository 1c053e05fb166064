// Package account holds the people who use the platform: their accounts and roles, their
// passwords, the single-use links and codes sent to them by e-mail, their web sessions, the
// sign-in throttling. Who may do what (roles, the actor, the policy) is in package access.
//
// Store functions take a db.Querier so that a caller can run them inside its own transaction
// (create an account, grant a role and queue the welcome e-mail atomically). The few
// functions that need to see other processes' writes as they happen (Authenticate and the
// code sign-in, for throttling) take the *db.DB itself.
package account
