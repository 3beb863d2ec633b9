package triage

// SQL of the case side of triage, in one place. Every statement takes its
// values as parameters; optional filters are written `(@x = '' OR col = @x)`.

const (
	sqlCaseInsert = `INSERT INTO cases (
    tracking_no, idempotency_key, session_id, channel, name, phone, institution, institution_raw,
    request, description, basis, occurred_at, amount_yuan, demands, transcript,
    intent, product, product_confidence, reason, reason_confidence, engine, needs_review, flags,
    team, priority, duplicate_of, complex, clock_started_at, deadline_days, deadline_at, created_at, updated_at)
VALUES (
    @tracking_no, @idempotency_key, @session_id, @channel, @name, @phone, @institution, @institution_raw,
    @request, @description, @basis, @occurred_at, @amount_yuan, @demands, @transcript,
    @intent, @product, @product_confidence, @reason, @reason_confidence, @engine, @needs_review, @flags,
    @team, @priority, @duplicate_of, false, @now, @deadline_days, @deadline_at, @now, @now)
ON CONFLICT DO NOTHING
RETURNING ` + caseColumns

	sqlCaseByKey        = `SELECT ` + caseColumns + ` FROM cases WHERE idempotency_key = $1`
	sqlCaseByID         = `SELECT ` + caseColumns + ` FROM cases WHERE id = $1`
	sqlCaseByTracking   = `SELECT ` + caseColumns + ` FROM cases WHERE tracking_no = $1`
	sqlCaseLockByID     = sqlCaseByID + ` FOR UPDATE`
	sqlCaseLockTracking = sqlCaseByTracking + ` FOR UPDATE`

	// sqlCaseHistory finds, for a new filing, whether the same person
	// complained recently (repeat: same phone, or same name and
	// institution) and whether an open case about the same matter is still
	// within its period (a duplicate to merge, 第十八条).
	sqlCaseHistory = `SELECT
    EXISTS (SELECT 1 FROM cases WHERE created_at > @repeat_since
        AND ((phone = @phone AND @phone <> '')
          OR (name = @name AND institution = @institution AND @name <> '' AND @institution <> ''))) AS repeat,
    (SELECT id FROM cases WHERE phone = @phone AND @phone <> '' AND institution = @institution AND product = @product
        AND status IN ('new', 'claimed', 'in_progress', 'awaiting_consumer', 'extended', 'transferred')
        AND deadline_at > @now
     ORDER BY created_at DESC LIMIT 1) AS duplicate_of`

	// sqlFileRecord writes a filing's audit event and announces the case in
	// one statement (a data-modifying CTE runs even when unreferenced).
	sqlFileRecord = `WITH ev AS (
    INSERT INTO case_events (case_id, actor, action, from_state, to_state, detail, at)
    VALUES ($1, $2, $3, '', $4, $5, $6))
SELECT pg_notify($7, $8)`

	sqlEventInsert = `INSERT INTO case_events (case_id, actor, action, from_state, to_state, detail, at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`
	sqlEventList = `SELECT id, case_id, at, actor, action, from_state, to_state, detail
FROM case_events WHERE case_id = $1 ORDER BY id`

	sqlMessageInsert = `INSERT INTO case_messages (case_id, direction, kind, body, status, author, visible, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
	sqlMessageList = `SELECT id, case_id, direction, kind, body, status, author, visible, created_at
FROM case_messages WHERE case_id = $1 ORDER BY id`

	sqlNotify = `SELECT pg_notify($1, $2)`

	// sqlLookup reads what a consumer may see of a case: status, deadline,
	// the latest message meant for them and whether they rated it.
	sqlLookup = `SELECT c.id, c.tracking_no, c.status, c.deadline_at, c.product, c.institution, c.phone,
    c.lookup_failures, c.lookup_failed_at, m.body, m.created_at, r.case_id IS NOT NULL
FROM cases c
LEFT JOIN LATERAL (SELECT body, created_at FROM case_messages
    WHERE case_id = c.id AND visible ORDER BY id DESC LIMIT 1) m ON true
LEFT JOIN case_ratings r ON r.case_id = c.id
WHERE c.tracking_no = $1`
	sqlLookupFailed = `UPDATE cases SET
    lookup_failures = CASE WHEN lookup_failed_at > $2 THEN lookup_failures + 1 ELSE 1 END,
    lookup_failed_at = $3
WHERE id = $1`
	sqlLookupReset = `UPDATE cases SET lookup_failures = 0, lookup_failed_at = NULL WHERE id = $1 AND lookup_failures > 0`

	sqlRatingUpsert = `INSERT INTO case_ratings (case_id, score, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
ON CONFLICT (case_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, updated_at = EXCLUDED.updated_at`

	sqlSessionUpdates = `SELECT c.tracking_no, c.session_id, m.status, m.body, m.created_at
FROM case_messages m JOIN cases c ON c.id = m.case_id
WHERE c.session_id = $1 AND m.visible AND m.direction = 'to_consumer' AND m.created_at > $2
ORDER BY m.created_at, m.id
LIMIT 200`

	sqlCorrectionInsert = `INSERT INTO case_corrections (case_id, text, product, reason, intent, actor, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`

	// The sweeper's steps. Each picks a batch with SKIP LOCKED so replicas
	// sweeping at once split the work, and the mark makes each case count once.
	sqlSweepDueSoon = `WITH due AS (
    SELECT id AS due_id FROM cases
    WHERE status = ANY (@open) AND paused_at IS NULL AND due_soon_at IS NULL
      AND deadline_at >= @now AND deadline_at < @soon
    ORDER BY deadline_at LIMIT @batch
    FOR UPDATE SKIP LOCKED)
UPDATE cases SET due_soon_at = @now FROM due WHERE id = due.due_id
RETURNING id, tracking_no, institution, team, status, assignee, deadline_at`
	sqlSweepOverdue = `WITH due AS (
    SELECT id AS due_id FROM cases
    WHERE status = ANY (@open) AND paused_at IS NULL AND overdue_at IS NULL AND deadline_at < @now
    ORDER BY deadline_at LIMIT @batch
    FOR UPDATE SKIP LOCKED)
UPDATE cases SET overdue_at = @now FROM due WHERE id = due.due_id
RETURNING id, tracking_no, institution, team, status, assignee, deadline_at`
	// sqlSweepPurgeTranscripts empties old transcripts and records each
	// purge in the audit trail, in one statement.
	sqlSweepPurgeTranscripts = `WITH purge AS (
    SELECT id AS purge_id FROM cases
    WHERE status IN ('closed', 'merged') AND COALESCE(closed_at, updated_at) < @before AND transcript <> '[]'::jsonb
    ORDER BY id LIMIT @batch
    FOR UPDATE SKIP LOCKED),
done AS (
    UPDATE cases SET transcript = '[]'::jsonb FROM purge WHERE id = purge.purge_id RETURNING id, status)
INSERT INTO case_events (case_id, actor, action, from_state, to_state, detail, at)
SELECT id, @actor, 'retention.purge_transcript', status, status, '{}'::jsonb, @now FROM done`
	sqlSweepResolved = `SELECT ` + caseColumns + ` FROM cases
WHERE status = 'resolved' AND resolved_at < $1
ORDER BY resolved_at LIMIT $2
FOR UPDATE SKIP LOCKED`

	// Statistics over cases filed in [@from, @to) within @scope. The
	// breakdown is one pass with GROUPING SETS plus the unnested flags.
	sqlStatsBreakdown = `SELECT dim, key, n FROM (
    SELECT CASE WHEN GROUPING(institution) = 0 THEN 'institution'
                WHEN GROUPING(product) = 0 THEN 'product'
                WHEN GROUPING(reason) = 0 THEN 'reason'
                WHEN GROUPING(channel) = 0 THEN 'channel'
                ELSE 'status' END AS dim,
           COALESCE(institution, product, reason, channel, status) AS key,
           count(*)::int AS n
    FROM cases
    WHERE created_at >= @from AND created_at < @to AND (@scope = '' OR institution = @scope)
    GROUP BY GROUPING SETS ((institution), (product), (reason), (channel), (status))
    UNION ALL
    SELECT 'flag', f, count(*)::int
    FROM cases, unnest(flags) AS f
    WHERE created_at >= @from AND created_at < @to AND (@scope = '' OR institution = @scope)
    GROUP BY f
) x ORDER BY dim, n DESC, key`
	sqlStatsDeadlines = `SELECT
    count(*) FILTER (WHERE resolved_at IS NOT NULL)::int,
    count(*) FILTER (WHERE resolved_at IS NOT NULL AND resolved_at <= deadline_at)::int,
    count(*) FILTER (WHERE resolved_at IS NOT NULL AND resolved_at > deadline_at)::int,
    count(*) FILTER (WHERE resolved_at IS NULL AND status = ANY (@open) AND paused_at IS NULL AND deadline_at < @now)::int,
    count(*) FILTER (WHERE resolved_at IS NULL AND status = ANY (@open) AND NOT (paused_at IS NULL AND deadline_at < @now))::int,
    (avg(extract(epoch FROM resolved_at - created_at)) FILTER (WHERE resolved_at IS NOT NULL) / 3600)::float8
FROM cases
WHERE created_at >= @from AND created_at < @to AND (@scope = '' OR institution = @scope)`
	sqlStatsRatings = `SELECT r.score::int, count(*)::int
FROM case_ratings r JOIN cases c ON c.id = r.case_id
WHERE c.created_at >= @from AND c.created_at < @to AND (@scope = '' OR c.institution = @scope)
GROUP BY r.score`
	// sqlStatsDaily counts filings by filing day and decisions (and late
	// ones) by decision day, in China time.
	sqlStatsDaily = `SELECT day, sum(filed)::int, sum(decided)::int, sum(late)::int FROM (
    SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date AS day, 1 AS filed, 0 AS decided, 0 AS late
    FROM cases WHERE created_at >= @from AND created_at < @to AND (@scope = '' OR institution = @scope)
    UNION ALL
    SELECT (resolved_at AT TIME ZONE 'Asia/Shanghai')::date, 0, 1, (resolved_at > deadline_at)::int
    FROM cases WHERE resolved_at >= @from AND resolved_at < @to AND (@scope = '' OR institution = @scope)
) x GROUP BY day ORDER BY day`
	// sqlStatsSeries counts filings per China day by one dimension; @by
	// picks the column, so no SQL is assembled from strings.
	sqlStatsSeries = `SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    CASE @by WHEN 'product' THEN product WHEN 'reason' THEN reason WHEN 'channel' THEN channel
             WHEN 'institution' THEN institution ELSE status END AS key,
    count(*)::int
FROM cases
WHERE created_at >= @from AND created_at < @to AND (@scope = '' OR institution = @scope) AND @by <> 'flag'
GROUP BY 1, 2
UNION ALL
SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, f, count(*)::int
FROM cases, unnest(flags) AS f
WHERE created_at >= @from AND created_at < @to AND (@scope = '' OR institution = @scope) AND @by = 'flag'
GROUP BY 1, 2`
	// sqlExportCases streams the cases of a period for the regulator-style
	// export; no personal data.
	sqlExportCases = `SELECT c.tracking_no, c.created_at, c.channel, c.institution, c.product, c.reason, c.demands, c.flags,
    c.status, c.deadline_at, c.outcome, c.resolved_at, r.score
FROM cases c LEFT JOIN case_ratings r ON r.case_id = c.id
WHERE c.created_at >= @from AND c.created_at < @to AND (@scope = '' OR c.institution = @scope)
ORDER BY c.created_at, c.id`

	// sqlClaimNext is river's JobGetAvailable shape: pick the most urgent
	// claimable case in scope with FOR UPDATE SKIP LOCKED, so concurrent
	// handlers skip each other's picks instead of waiting or double-claiming,
	// and claim it in the same statement.
	sqlClaimNext = `WITH next AS (
    SELECT id AS next_id, status AS prev_status
    FROM cases
    WHERE status IN ('new', 'transferred')
      AND (@scope = '' OR institution = @scope)
      AND (@team = '' OR team = @team)
    ORDER BY priority, deadline_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
UPDATE cases SET status = 'claimed', assignee = @assignee, claimed_at = @now, updated_at = @now
FROM next
WHERE id = next.next_id
RETURNING prev_status, ` + caseColumns

	sqlQueueDepth = `SELECT count(*) FROM cases WHERE status IN ('new', 'transferred') AND ($1 = '' OR institution = $1)`

	// sqlCaseUpdate writes every field an action may change. Actions compute
	// the new case in Go on a row locked FOR UPDATE, so one statement serves
	// them all and no update is lost.
	sqlCaseUpdate = `UPDATE cases SET
    status = @status, assignee = @assignee, institution = @institution, team = @team, priority = @priority,
    claimed_at = @claimed_at, outcome = @outcome, resolved_at = @resolved_at, closed_at = @closed_at,
    merged_into = @merged_into, intent = @intent, product = @product, product_confidence = @product_confidence,
    reason = @reason, reason_confidence = @reason_confidence, needs_review = @needs_review, flags = @flags,
    complex = @complex, clock_started_at = @clock_started_at, deadline_days = @deadline_days,
    extension_days = @extension_days, extension_reason = @extension_reason, paused_at = @paused_at,
    pause_reason = @pause_reason, paused_days = @paused_days, deadline_at = @deadline_at,
    due_soon_at = @due_soon_at, overdue_at = @overdue_at, updated_at = @updated_at
WHERE id = @id`

	// listWhere is shared by the page and the count.
	listWhere = `
WHERE (@scope = '' OR institution = @scope)
  AND (@institution = '' OR institution = @institution)
  AND (@status = '' OR status = @status OR (@status = 'open' AND status = ANY (@open)))
  AND (@product = '' OR product = @product)
  AND (@reason = '' OR reason = @reason)
  AND (@flag = '' OR @flag = ANY (flags))
  AND (@team = '' OR team = @team)
  AND (@assignee = '' OR assignee = @assignee)
  AND (NOT @needs_review OR needs_review)
  AND (NOT @overdue OR (deadline_at < @now AND paused_at IS NULL AND status = ANY (@open)))
  AND (NOT @due_soon OR (deadline_at >= @now AND deadline_at < @soon AND paused_at IS NULL AND status = ANY (@open)))
  AND (@q = '' OR tracking_no = @q_tracking OR phone = @q_digits OR name = @q OR description ILIKE @q_like ESCAPE '\')`

	sqlCaseList = `SELECT id, tracking_no, status, product, reason, flags, institution, team, priority, assignee,
    name, phone, description, amount_yuan::float8 AS amount_yuan, needs_review, paused_at IS NOT NULL AS paused, deadline_at,
    (deadline_at >= @now AND deadline_at < @soon AND paused_at IS NULL AND status = ANY (@open)) AS due_soon,
    (deadline_at < @now AND paused_at IS NULL AND status = ANY (@open)) AS overdue, created_at
FROM cases` + listWhere + `
ORDER BY priority, deadline_at, id
LIMIT @limit OFFSET @offset`
	sqlCaseCount = `SELECT count(*) FROM cases` + listWhere
)
