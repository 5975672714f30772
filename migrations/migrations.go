// Package migrations embeds the SQL migrations, applied by the procure
// binary at start-up (golang-migrate, iofs source, pgx/v5 driver) and by
// pgtest for every test database.
package migrations

import "embed"

// FS holds the NNNN_name.up.sql / .down.sql pairs.
//
//go:embed *.sql
var FS embed.FS
