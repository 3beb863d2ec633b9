package triage

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkFile files complete complaints (transcript, repeat and duplicate
// check, routing, audit event and notification, one transaction each) into
// the real database and reports cases/s. Target: ≥ 300 cases/s. Run:
//
//	go test -run '^$' -bench BenchmarkFile -benchtime 3s ./triage
func BenchmarkFile(b *testing.B) {
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			s, _, _ := newDBService(b, func(c *ServiceConfig) { c.Now = time.Now })
			ctx := context.Background()
			inputs := make(chan CaseInput, 64)
			go func() {
				defer close(inputs)
				for i := range b.N {
					in := sampleInput(uniquePhone())
					in.IdempotencyKey = fmt.Sprintf("bench-%d", i)
					inputs <- in
				}
			}()
			b.ResetTimer()
			start := time.Now()
			errs := make(chan error, workers)
			for range workers {
				go func() {
					for in := range inputs {
						if _, err := s.File(ctx, in); err != nil {
							errs <- err
							return
						}
					}
					errs <- nil
				}()
			}
			for range workers {
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "cases/s")
		})
	}
}
