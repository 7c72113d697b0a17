package dev.lifeline.jdbc;

import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.metrics.Kind;
import dev.lifeline.metrics.Observability;
import dev.lifeline.metrics.TargetHealth;
import dev.lifeline.retry.RetryBudget;

/** Everything Lifeline keeps per database target ({@code host:port/database}). */
final class TargetState {

    final String name;
    final ConnectionCap cap;
    final RetryBudget budget;
    /** Counters, breaker and last failure of this target, for /health, /metrics and fail-fast. */
    final TargetHealth health;

    TargetState(String name, ConnectionCap cap, RetryBudget budget) {
        this.name = name;
        this.cap = cap;
        this.budget = budget;
        this.health = Observability.current().target(Kind.JDBC, name, cap);
    }
}
