// Package triage classifies consumer messages and complaints (JR/T 0169-2018
// product and reason, intent, urgency flags, demands), extracts the facts a
// complaint needs, and runs the handling queue with its legal deadlines.
package triage
