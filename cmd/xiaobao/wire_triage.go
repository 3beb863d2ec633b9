package main

import (
	"context"
	"fmt"
	"time"

	"github.com/xiaobao-cn/xiaobao/triage"
)

// newTriage builds the triage service from the configuration: the
// classifier (offline, from XIAOBAO_TRIAGE_MODEL or embedded, fronted by the LLM when OPENAI_BASE_URL is set), the
// legal clock (XIAOBAO_DEADLINE_DAYS, _COMPLEX_DEADLINE_DAYS,
// _EXTENSION_DAYS, _WORKING_DAYS, _HOLIDAYS_FILE), the routing table
// (embedded, or XIAOBAO_ROUTING_FILE), the large-amount threshold and how
// long transcripts of closed cases are kept (XIAOBAO_RETENTION_DAYS). Bad
// files or values fail start-up with a message naming them.
func (m *Main) newTriage(ctx context.Context) (*triage.Service, error) {
	classifier, err := m.loadClassifier(m.Config.TriageModel, m.Config.LLMEnabled())
	if err != nil {
		if m.Config.TriageModel != "" {
			return nil, fmt.Errorf("XIAOBAO_TRIAGE_MODEL: %w", err)
		}
		return nil, fmt.Errorf("triage classifier: %w", err)
	}
	routing, err := triage.LoadRouting(m.Config.RoutingFile)
	if err != nil {
		return nil, fmt.Errorf("XIAOBAO_ROUTING_FILE: %w", err)
	}
	var holidays *triage.Holidays
	if m.Config.HolidaysFile != "" {
		if holidays, err = triage.LoadHolidays(m.Config.HolidaysFile); err != nil {
			return nil, fmt.Errorf("XIAOBAO_HOLIDAYS_FILE: %w", err)
		}
	}
	extension := m.Config.ExtensionDays
	if extension == 0 {
		extension = -1 // XIAOBAO_EXTENSION_DAYS=0 means no extensions, not the default
	}
	svc, err := triage.NewService(triage.ServiceConfig{
		Pool:       m.Pool,
		Classifier: classifier,
		Logger:     m.Logger,
		Deadlines: triage.DeadlineConfig{
			Days:          m.Config.DeadlineDays,
			ComplexDays:   m.Config.ComplexDeadlineDays,
			ExtensionDays: extension,
			WorkingDays:   m.Config.WorkingDays,
			Holidays:      holidays,
		},
		Routing:             routing,
		LargeAmountYuan:     m.Config.LargeAmountYuan,
		TranscriptRetention: time.Duration(m.Config.RetentionDays) * 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("triage (check XIAOBAO_DEADLINE_DAYS and related settings): %w", err)
	}
	m.Logger.Info("triage ready", "deadline_days", m.Config.DeadlineDays, "working_days", m.Config.WorkingDays,
		"holidays", holidays.Len(), "teams", len(routing.Teams()), "llm", m.Config.LLMEnabled())
	return svc, nil
}

// startSweeper runs the deadline sweeper until the process closes. Every
// replica may run one: they split the work with SKIP LOCKED.
func (m *Main) startSweeper(ctx context.Context, svc *triage.Service) error {
	sw := svc.NewSweeper(triage.SweeperConfig{})
	if err := sw.Start(ctx); err != nil {
		return err
	}
	m.onClose(sw.Stop)
	return nil
}
