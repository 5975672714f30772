package app

// CandidateReads returns how many items submissions have read from
// Postgres rather than from the candidate cache.
func (a *App) CandidateReads() int64 { return a.cands.readThrough.Load() }
