package dev.lifeline.it.http;

import java.util.List;

/** Apache HttpClient 5 ({@code HttpClients.createDefault()}, {@code HttpAsyncClients.createDefault()}). */
class ApacheHttpClient5Test extends LibraryClientContract {

    @Override
    List<String> clients() {
        return List.of("hc5", "hc5async");
    }
}
