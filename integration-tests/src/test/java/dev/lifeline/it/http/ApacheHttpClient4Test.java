package dev.lifeline.it.http;

import java.util.List;

/** Apache HttpClient 4.5 ({@code HttpClients.createDefault()}). */
class ApacheHttpClient4Test extends LibraryClientContract {

    @Override
    List<String> clients() {
        return List.of("hc4");
    }
}
