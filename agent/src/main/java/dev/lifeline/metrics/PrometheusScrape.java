package dev.lifeline.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.function.Supplier;

/**
 * The text of {@code GET /metrics}: a Prometheus registry of our shaded Micrometer holding
 * Lifeline's meters. The only class that names Micrometer types; it is loaded on the first scrape,
 * so an agent without {@code lifeline.admin.port} never loads any of Micrometer.
 */
final class PrometheusScrape implements Supplier<String> {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    PrometheusScrape(LifelineMetrics metrics) {
        try {
            metrics.addSink(MicrometerMeters.forRegistry(registry));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Lifeline's own Micrometer is incomplete", e);
        }
    }

    @Override
    public String get() {
        return registry.scrape();
    }
}
