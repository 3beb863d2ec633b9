package triage

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// waitListening waits until n connections of this database are LISTENing
// on channel, so a test does not notify before anyone listens.
func waitListening(t *testing.T, pool *pgxpool.Pool, channel string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for countRows(t, pool, `SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND query = 'LISTEN "`+channel+`"'`) < n {
		isTrue(t, time.Now().Before(deadline), "no listener on %s", channel)
		time.Sleep(20 * time.Millisecond)
	}
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v, ok := <-ch:
		isTrue(t, ok, "%s: channel closed", what)
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: nothing received", what)
	}
	panic("unreachable")
}

func TestListenDeliversNewCasesAndUpdates(t *testing.T) {
	t.Parallel()
	s, pool, _ := newDBService(t)
	ctx, cancel := context.WithCancel(context.Background())
	newCases := make(chan NewCaseEvent, 10)
	updates := make(chan ConsumerUpdate, 10)
	listenDone := make(chan error, 1)
	// A second service stands for another replica on the same database.
	other, err := NewService(ServiceConfig{Pool: pool, Logger: testLogger()})
	noErr(t, err)
	go func() {
		listenDone <- other.Listen(ctx, func(e NewCaseEvent) { newCases <- e }, func(u ConsumerUpdate) { updates <- u })
	}()
	waitListening(t, pool, ChannelCaseUpdate, 1)

	c := fileSample(t, s)
	ev := receive(t, newCases, "new case")
	eq(t, ev.ID, c.ID)
	eq(t, ev.TrackingNo, c.TrackingNo)
	eq(t, ev.Institution, "招商银行")
	eq(t, ev.Team, "bank-cmb")

	h := handler("王芳", "招商银行")
	_, err = s.Claim(ctx, h, c.TrackingNo)
	noErr(t, err)
	_, err = s.Reply(ctx, h, c.TrackingNo, "您好，已收到。")
	noErr(t, err)
	u := receive(t, updates, "claim notice")
	eq(t, []string{u.TrackingNo, u.SessionID, u.Status}, []string{c.TrackingNo, c.SessionID, StatusClaimed})
	u = receive(t, updates, "reply")
	eq(t, []string{u.Status, u.Message}, []string{StatusInProgress, "您好，已收到。"})

	// Notifications belong to their transaction: a rolled-back filing is
	// never announced.
	tx, err := pool.Begin(ctx)
	noErr(t, err)
	_, err = s.withDB(tx).File(ctx, sampleInput(uniquePhone()))
	noErr(t, err)
	noErr(t, tx.Rollback(ctx))
	c2 := fileSample(t, s)
	eq(t, receive(t, newCases, "after rollback").ID, c2.ID, "the rolled-back case was not announced")

	cancel()
	select {
	case err := <-listenDone:
		noErr(t, err, "Listen returns nil when its context ends")
	case <-time.After(5 * time.Second):
		t.Fatal("Listen did not return after cancel")
	}
}

func TestSubscribeStreamsConsoleEventsAndReconnects(t *testing.T) {
	t.Parallel()
	s, pool, _ := newDBService(t)
	ctx := context.Background()
	events, stop := s.Subscribe(ctx)
	eq(t, receive(t, events, "first connect").Kind, EventResync)

	c := fileSample(t, s)
	ev := receive(t, events, "new case")
	eq(t, ev.Kind, EventNewCase)
	eq(t, ev.NewCase.ID, c.ID)
	isTrue(t, ev.VisibleTo("招商银行") && ev.VisibleTo("") && !ev.VisibleTo("中国工商银行"), "scoped by institution")

	h := handler("王芳", "招商银行")
	_, err := s.Claim(ctx, h, c.TrackingNo)
	noErr(t, err)
	ev = receive(t, events, "claim")
	eq(t, []string{ev.Kind, ev.Change.Action, ev.Change.Status, ev.Change.Assignee},
		[]string{EventCaseChanged, ActionClaim, StatusClaimed, h.Name})

	_, err = s.Transfer(ctx, h, c.TrackingNo, TransferInput{Institution: "工行", Note: "转工行"})
	noErr(t, err)
	ev = receive(t, events, "transfer")
	eq(t, []string{ev.Change.Institution, ev.Change.PrevInstitution}, []string{"中国工商银行", "招商银行"})
	isTrue(t, ev.VisibleTo("招商银行") && ev.VisibleTo("中国工商银行"), "both sides of a transfer see it")

	// Kill the listening backend: the hub reconnects, says resync, and
	// events flow again.
	waitListening(t, pool, ChannelCaseChanged, 1)
	_, err = pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE datname = current_database() AND query = 'LISTEN "`+ChannelCaseChanged+`"'`)
	noErr(t, err)
	eq(t, receive(t, events, "after reconnect").Kind, EventResync)
	c2 := fileSample(t, s)
	eq(t, receive(t, events, "new case after reconnect").NewCase.ID, c2.ID)

	stop()
	_, ok := <-events
	isTrue(t, !ok, "the channel closes on stop")
	stop() // idempotent
}

func TestSubscribeEndsWithContext(t *testing.T) {
	t.Parallel()
	s, _, _ := newDBService(t)
	ctx, cancel := context.WithCancel(context.Background())
	events, _ := s.Subscribe(ctx)
	cancel()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription outlived its context")
		}
	}
}

// A console that subscribes while the shared listener is already connected
// must still get the resync that tells it to load its list; otherwise it
// waits for one that was sent before it arrived.
func TestSubscribeLateJoinerGetsResync(t *testing.T) {
	t.Parallel()
	s, _, _ := newDBService(t)
	ctx := context.Background()
	first, stop1 := s.Subscribe(ctx)
	defer stop1()
	eq(t, receive(t, first, "first subscriber").Kind, EventResync)
	late, stop2 := s.Subscribe(ctx)
	defer stop2()
	eq(t, receive(t, late, "late subscriber").Kind, EventResync)

	c := fileSample(t, s)
	for _, ch := range []<-chan ConsoleEvent{first, late} {
		ev := receive(t, ch, "new case")
		eq(t, ev.Kind, EventNewCase)
		eq(t, ev.NewCase.ID, c.ID)
	}
}
