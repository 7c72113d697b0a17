package dev.lifeline.jdbc;

import dev.lifeline.limit.ConnectionCap;
import dev.lifeline.retry.RetryBudget;

/** Everything Lifeline keeps per database target ({@code host:port/database}). */
final class TargetState {

    final String name;
    final ConnectionCap cap;
    final RetryBudget budget;

    TargetState(String name, ConnectionCap cap, RetryBudget budget) {
        this.name = name;
        this.cap = cap;
        this.budget = budget;
    }
}
