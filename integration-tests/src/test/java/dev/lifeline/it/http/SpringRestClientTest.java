package dev.lifeline.it.http;

import dev.lifeline.demo.http.FaultyHttpServer;
import dev.lifeline.demo.run.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spring's {@code RestClient} over Apache HttpClient 5, built as an ordinary application builds
 * it ({@link SpringRestClientApp}): under 503s and lost replies its GETs fail without the agent and
 * succeed with it, and no POST is acted on twice.
 */
class SpringRestClientTest {

    @Test
    void restClientOverHttpClient5GetsEveryGetThroughAndActsOnEveryPostOnce() throws Exception {
        int requests = 150;
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().every503(4).everyDrop(7))) {
            ChildJvm.Result without = ChildJvm.withoutAgent().run(SpringRestClientApp.class, 120, server.url(""), "" + requests);
            assertTrue(without.resultInt("get.failed") > 0, "GETs fail without the agent: " + without);
        }
        try (FaultyHttpServer server = FaultyHttpServer.start(FaultyHttpServer.faults().every503(4).everyDrop(7))) {
            // Lifeline's tuning notice is logged at FINE on dev.lifeline: the owner turns it up to see it.
            Path logging = Files.createTempFile("lifeline-logging", ".properties");
            Files.write(logging, Arrays.asList("handlers=java.util.logging.ConsoleHandler",
                    "java.util.logging.ConsoleHandler.level=ALL", "dev.lifeline.level=FINE"));
            ChildJvm.Result with = ChildJvm.withAgent("lifeline.retry.maxAttempts=10,lifeline.retry.budgetMinConcurrent=4")
                    .option("-Djava.util.logging.config.file=" + logging)
                    .run(SpringRestClientApp.class, 180, server.url(""), "" + requests);
            assertEquals(0, with.exitCode, with.toString());
            assertTrue(with.stderr.stream().anyMatch(l -> l.contains("Apache HttpClient 5 clients")),
                    "RestClient built an HttpClient 5 client, which Lifeline tuned: " + with);
            assertEquals(requests, with.resultInt("get.ok"), "every GET succeeds with the agent: " + with);
            assertTrue(server.acted("post-") > 0, "POSTs reached the server");
            assertEquals(1, server.maxActs("post-"), "no POST acted on twice: " + with);
        }
    }
}
