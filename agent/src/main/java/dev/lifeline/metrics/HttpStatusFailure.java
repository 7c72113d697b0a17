package dev.lifeline.metrics;

/**
 * Implemented by the exception the HTTP support throws (or attaches) for a failing response, so
 * logs and {@code /health} can show the status without reading any message, header or URL.
 */
public interface HttpStatusFailure {
    int httpStatus();
}
