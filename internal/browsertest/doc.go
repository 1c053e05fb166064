// Package browsertest holds the real-browser tests of the platform: headless Chromium, driven
// by chromedp, uses the real server started in-process over a demo-seeded database.
//
// The tests share one browser for the whole package (started in TestMain); each test opens
// its own incognito-like browser context, so cookies and sessions never leak between tests,
// and independent tests run in parallel. Without Chromium the tests skip loudly, and fail
// under BC_REQUIRE_ALL=1 (as in CI).
//
// The harness (harness_test.go) offers:
//
//   - NewSite(t): the server on a free loopback port over a fresh demo-seeded SQLite
//     database, with a clock the test moves (SetNow, Advance); SharedSite(t) is one such
//     site for the tests that neither move the clock nor change shared data. Account(role)
//     gives the demo account of a role, Slugs the current demo campaigns, LastLink the last
//     link e-mailed (read from the outbox).
//   - site.NewTab(t): a new visitor (own cookies) with helpers to Open a path, Type, Set,
//     Check, Click and Submit forms, read Text, Eval JavaScript, take a Screenshot into
//     test-artifacts/ at the repository root, SignInAs a demo role through the real form,
//     SignOut, press Tab/ShiftTab/Enter and read the Focused element.
//   - CheckAxe (axe_test.go): axe-core's WCAG 2.1 A and AA rules, zero violations allowed;
//     CheckNoHorizontalScroll: no horizontal scrolling at 375×812; CheckSkipLink and
//     CheckTabOrder (keyboard_test.go): the keyboard alone reaches everything, in order,
//     with a visible focus and no trap.
//
// TestAccessibility checks the table of pages in a11y_test.go (add a line for a new page or
// form with errors); TestAccessibilityCrawl follows the links as a visitor and as an agent
// and checks one page of every other route it reaches.
//
// The journey test (journey_test.go) is a list of steps, one function each, that later
// features append to; journey_campaign_test.go plays the open demo campaign from the idea to
// the proclamation, moving the clock into each phase. TestKeyboardVote (vote_a11y_test.go)
// casts a ballot with the keyboard alone, and TestAxeVoteAndResults checks the ballot's and
// the results' public pages.
package browsertest
