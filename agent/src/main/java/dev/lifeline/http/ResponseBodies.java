package dev.lifeline.http;

import java.net.http.HttpResponse;
import java.util.concurrent.Flow;

/**
 * Lets go of the body of a response Lifeline discards before a retry, so a streaming body handler
 * ({@code ofInputStream}, {@code ofLines}, {@code ofPublisher}) does not keep its connection busy.
 */
final class ResponseBodies {

    private ResponseBodies() {
    }

    static void discard(HttpResponse<?> response) {
        Object body;
        try {
            body = response.body();
        } catch (RuntimeException e) {
            return;
        }
        try {
            if (body instanceof AutoCloseable) {
                ((AutoCloseable) body).close();
            } else if (body instanceof Flow.Publisher) {
                ((Flow.Publisher<?>) body).subscribe(new Flow.Subscriber<Object>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscription.cancel();
                    }

                    @Override
                    public void onNext(Object item) {
                    }

                    @Override
                    public void onError(Throwable throwable) {
                    }

                    @Override
                    public void onComplete() {
                    }
                });
            }
        } catch (Exception ignored) {
            // a body that will not close is the JDK's to clean up; the retry goes on
        }
    }
}
