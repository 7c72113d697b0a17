package dev.lifeline.it.http;

import dev.lifeline.demo.http.FaultyHttpServer;
import dev.lifeline.demo.http.HttpWorkload;
import dev.lifeline.demo.run.ChildJvm;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTTP half of the retry contract, black-box: an ordinary application using the JDK's
 * {@code HttpClient} (send and sendAsync) and {@code HttpURLConnection}, in a child JVM without and
 * with the agent, against a loopback server that answers 503s, drops requests and resets
 * connections beyond a limit.
 */
class HttpRetryTest {

    private static final String CLIENTS_GET = "send-GET,async-GET,huc-GET";
    private static final String ALL_PHASES = CLIENTS_GET + ",send-POST,huc-POST,send-POSTKEY,async-POSTKEY,huc-POSTKEY";
    /** Generous attempts and budget so "every GET succeeds" does not depend on luck; tiny backoff to stay fast. */
    private static final String RETRY_HARD = "lifeline.retry.maxAttempts=8,lifeline.retry.initialBackoff=5ms,"
            + "lifeline.retry.maxBackoff=50ms,lifeline.retry.budgetRatio=1.0";

    @Test
    void getsFailWithoutTheAgentUnder503sAndDrops() throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().every503(4).everyDrop(7))) {
            ChildJvm.Result without = ChildJvm.withoutAgent().run(HttpWorkload.class, 60,
                    "url=" + server.url("/kv"), "phases=" + CLIENTS_GET, "requests=40");
            for (String phase : CLIENTS_GET.split(",")) {
                assertTrue(without.resultInt(phase + ".failed") > 0, phase + " must fail without the agent: " + without);
            }
        }
    }

    @Test
    void everyGetSucceedsAndAPostWithoutKeyIsActedOnAtMostOnceOnJdk17() throws Exception {
        assertFaultsAreAbsorbed(System.getProperty("java.home"));
    }

    @Test
    void everyGetSucceedsAndAPostWithoutKeyIsActedOnAtMostOnceOnJava25() throws Exception {
        Path java25 = ChildJvm.temurin25Home();
        assumeTrue(java25 != null, "no Temurin 25 JDK under /usr/lib/jvm");
        assertFaultsAreAbsorbed(java25.toString());
    }

    private static void assertFaultsAreAbsorbed(String javaHome) throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().every503(4).everyDrop(7))) {
            ChildJvm.Result with = ChildJvm.withAgent(RETRY_HARD).javaHome(javaHome).run(HttpWorkload.class, 90,
                    "url=" + server.url("/kv"), "phases=" + ALL_PHASES, "requests=40");
            assertEquals(0, with.exitCode, with.toString());
            for (String phase : CLIENTS_GET.split(",")) {
                assertEquals(40, with.resultInt(phase + ".ok"), phase + ": every GET succeeds with the agent: " + with);
            }
            for (String phase : new String[]{"send-POSTKEY", "async-POSTKEY", "huc-POSTKEY"}) {
                assertEquals(40, with.resultInt(phase + ".ok"), phase + ": a POST with an Idempotency-Key succeeds: " + with);
                assertEquals(1, server.maxActs(phase + "-"), phase + ": the server acts once per key");
            }
            // A POST without a key that was dropped after the server acted is never sent again
            // (not by Lifeline, and not by HttpURLConnection's own silent resend, which Lifeline turns off).
            assertTrue(server.acted("send-POST-") > 0 && server.acted("huc-POST-") > 0, "POSTs reached the server");
            assertEquals(1, server.maxActs("send-POST-"), "HttpClient POST acted on at most once");
            assertEquals(1, server.maxActs("huc-POST-"), "HttpURLConnection POST acted on at most once");
            assertTrue(with.resultInt("send-POST.failed") > 0, "the dropped POSTs reach the application: " + with);
            assertTrue(with.stderr.stream().noneMatch(l -> l.contains("WARNING") || l.contains("Unsafe")
                    || l.contains("Sharing is only supported") || l.contains("[lifeline]")),
                    "nothing printed into the application's output: " + with);
        }
    }

    @Test
    void retryAfterOneSecondIsWaitedAndOneBeyondTheDeadlineGivesUpAtOnceWithTheRealResponse() throws Exception {
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().firstPerIdIs503().retryAfter("1"))) {
            ChildJvm.Result with = ChildJvm.withAgent("lifeline.retry.initialBackoff=1ms").run(HttpWorkload.class, 60,
                    "url=" + server.url("/kv"), "phases=" + CLIENTS_GET, "requests=1");
            for (String phase : CLIENTS_GET.split(",")) {
                assertEquals(1, with.resultInt(phase + ".ok"), phase + ": " + with);
                assertTrue(with.resultInt(phase + ".minMs") >= 1000, phase + " waited Retry-After: 1: " + with);
            }
        }
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().firstPerIdIs503().retryAfter("120"))) {
            ChildJvm.Result with = ChildJvm.withAgent("lifeline.retry.deadline=5s").run(HttpWorkload.class, 60,
                    "url=" + server.url("/kv"), "phases=" + CLIENTS_GET, "requests=1");
            for (String phase : CLIENTS_GET.split(",")) {
                assertEquals("503:1", with.result(phase + ".statuses"), phase + " gets the real 503: " + with);
                assertTrue(with.resultInt(phase + ".maxMs") < 1000, phase + " gave up at once: " + with);
            }
            assertEquals(3, server.requests(), "one request per call: no retry was sent");
        }
    }

    @Test
    void twoHundredConcurrentRequestsQueueUnderThePerHostCapInsteadOfBeingReset() throws Exception {
        String[] workload = {"phases=send-GET,async-GET,huc-GET", "requests=200", "concurrency=200"};
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().maxInFlight(5).holdMs(20))) {
            ChildJvm.Result without = ChildJvm.withoutAgent().run(HttpWorkload.class, 90, with(server, workload));
            int failedWithout = without.resultInt("send-GET.failed") + without.resultInt("async-GET.failed")
                    + without.resultInt("huc-GET.failed");
            assertTrue(failedWithout > 0, "without the agent the burst is reset: " + without);
        }
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().maxInFlight(5).holdMs(20))) {
            ChildJvm.Result capped = ChildJvm.withAgent("lifeline.http.maxConnectionsPerHost=5,lifeline.retry.maxAttempts=1")
                    .run(HttpWorkload.class, 90, with(server, workload));
            for (String phase : new String[]{"send-GET", "async-GET", "huc-GET"}) {
                assertEquals(200, capped.resultInt(phase + ".ok"), phase + ": none fails under the cap: " + capped);
            }
            assertTrue(server.peakInFlight() <= 5, "the server never sees more than the cap: " + server.peakInFlight());
            assertEquals(0, server.resets());
        }
    }

    @Test
    void sendAsyncUnderFaultsCompletesEveryFutureWithoutAThreadPerRetry() throws Exception {
        String[] workload = {"phases=async-GET", "requests=200"};
        ChildJvm.Result without;
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().every503(3).everyDrop(7))) {
            without = ChildJvm.withoutAgent().run(HttpWorkload.class, 60, with(server, workload));
        }
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().every503(3).everyDrop(7))) {
            // Backoffs of up to 200 ms: ~90 futures wait at once; a thread parked per wait would show.
            ChildJvm.Result with = ChildJvm.withAgent("lifeline.retry.maxAttempts=10,lifeline.retry.initialBackoff=100ms,"
                    + "lifeline.retry.maxBackoff=200ms,lifeline.retry.budgetRatio=1.0").run(HttpWorkload.class, 60, with(server, workload));
            assertEquals(200, with.resultInt("async-GET.ok"), with.toString());
            int extra = with.resultInt("async-GET.peakThreads") - without.resultInt("async-GET.peakThreads");
            assertTrue(extra <= 3, "Lifeline adds at most its scheduler thread, not one per retry; extra=" + extra
                    + "\n" + without + "\n" + with);
        }
    }

    private static String[] with(FaultyHttpServer server, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "url=" + server.url("/kv");
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
