package dev.lifeline.http;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryRulesTest {

    private final RetryRules rules = new RetryRules(List.of(500, 502, 503, 504, 429));

    @Test
    void idempotentMethodsAndKeyedRequestsMayBeResentOnAnyConnectionFailure() {
        for (String method : new String[]{"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get"}) {
            assertEquals(RetryRules.Scope.ANY_FAILURE, RetryRules.scope(method, false, true), method);
        }
        assertEquals(RetryRules.Scope.ANY_FAILURE, RetryRules.scope("POST", true, true));
        assertEquals(RetryRules.Scope.ANY_FAILURE, RetryRules.scope("PATCH", true, true));
    }

    @Test
    void postAndPatchWithoutAKeyOnlyWhenTheRequestNeverLeft() {
        assertEquals(RetryRules.Scope.NEVER_SENT_ONLY, RetryRules.scope("POST", false, true));
        assertEquals(RetryRules.Scope.NEVER_SENT_ONLY, RetryRules.scope("PATCH", false, true));
        assertTrue(RetryRules.retriesFailure(RetryRules.Scope.NEVER_SENT_ONLY, new ConnectException("Connection refused")));
        assertTrue(RetryRules.retriesFailure(RetryRules.Scope.NEVER_SENT_ONLY, new HttpConnectTimeoutException("HTTP connect timed out")));
        assertFalse(RetryRules.retriesFailure(RetryRules.Scope.NEVER_SENT_ONLY, new SocketException("Connection reset")));
        assertFalse(RetryRules.retriesFailure(RetryRules.Scope.NEVER_SENT_ONLY, new IOException("HTTP/1.1 header parser received no bytes")));
    }

    @Test
    void aBodyThatCannotBeReplayedIsNeverResent() {
        assertEquals(RetryRules.Scope.NONE, RetryRules.scope("PUT", true, false));
        assertFalse(RetryRules.retriesFailure(RetryRules.Scope.NONE, new ConnectException()));
    }

    @Test
    void transportFailuresBeforeAResponseAreRetryable() {
        RetryRules.Scope any = RetryRules.Scope.ANY_FAILURE;
        assertTrue(RetryRules.retriesFailure(any, new SocketException("Connection reset")));
        assertTrue(RetryRules.retriesFailure(any, new SocketException("Unexpected end of file from server")));
        assertTrue(RetryRules.retriesFailure(any, new EOFException("EOF reached while reading")));
        assertTrue(RetryRules.retriesFailure(any, new SocketTimeoutException("Read timed out")));
        assertTrue(RetryRules.retriesFailure(any, new HttpTimeoutException("request timed out")));
        assertTrue(RetryRules.retriesFailure(any, new IOException("HTTP/1.1 header parser received no bytes")));
        // HttpClient.send rethrows a copy with the original as cause
        assertTrue(RetryRules.retriesFailure(any, new IOException("wrapped", new SocketException("Broken pipe"))));
    }

    @Test
    void failuresWaitingCannotFixAreNot() {
        RetryRules.Scope any = RetryRules.Scope.ANY_FAILURE;
        assertFalse(RetryRules.retriesFailure(any, new UnknownHostException("kv.example")));
        assertFalse(RetryRules.retriesFailure(any, new SSLHandshakeException("PKIX path building failed")));
        assertFalse(RetryRules.retriesFailure(any, new FileNotFoundException("http://kv.example/x")));
        assertFalse(RetryRules.retriesFailure(any, new IOException("Server returned HTTP response code: 400 for URL")));
        assertFalse(RetryRules.retriesFailure(any, new CapTimeoutIOException("kv.example:443", "per-host", 30, 1)));
        assertFalse(RetryRules.retriesFailure(any, new IllegalArgumentException("bad URI")));
    }

    @Test
    void configuredStatusesAreRetriedOnlyForRequestsThatMayBeResent() {
        for (int status : new int[]{500, 502, 503, 504, 429}) {
            assertTrue(rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, status), "status " + status);
            assertFalse(rules.retriesStatus(RetryRules.Scope.NEVER_SENT_ONLY, status), "POST without key, " + status);
        }
        assertFalse(rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, 200));
        assertFalse(rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, 404));
        assertFalse(rules.retriesStatus(RetryRules.Scope.ANY_FAILURE, 501));
        assertFalse(new RetryRules(List.of(502, 503)).retriesStatus(RetryRules.Scope.ANY_FAILURE, 500), "500 only where configured");
    }
}
