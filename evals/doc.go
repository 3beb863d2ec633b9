// Package evals measures xiaobao's quality and speed on public and team-made
// data sets and prints the numbers; `xiaobao eval …` runs it.
package evals
