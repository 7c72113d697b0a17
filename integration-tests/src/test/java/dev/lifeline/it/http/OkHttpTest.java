package dev.lifeline.it.http;

import java.util.List;

/** OkHttp 4 ({@code new OkHttpClient()}), {@code execute} and {@code enqueue}. */
class OkHttpTest extends LibraryClientContract {

    @Override
    List<String> clients() {
        return List.of("okhttp", "okenqueue");
    }

    @Override
    boolean resendsPostsOnItsOwn() {
        return true; // retryOnConnectionFailure, whatever the method
    }
}
