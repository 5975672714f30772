// Package e2e holds the browser tests: headless Chromium (chromedp) driving
// the real server on a fresh database through the key user journeys. They
// skip with a message when Chromium is missing locally; CI installs it and
// sets E2E_REQUIRE_BROWSER=1 so that there they fail instead.
package e2e
