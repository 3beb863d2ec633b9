// Package chat runs consumer conversations over websockets: one session per
// consumer, persisted in PostgreSQL, driving intake, answers and alerts.
package chat
