/** Side-by-side benchmarks of Lifeline: see BENCHMARKS.md for the command and the results. */
package dev.lifeline.bench;
