package dev.lifeline.http;

import dev.lifeline.log.LifelineLog;

import java.io.Closeable;

/**
 * What each HTTP library's woven entry point does before its own part: the library's methods,
 * looked up once per class of the object at hand (a client or a call), and the request read into
 * a {@link LibraryCall}. Every failure along the way is Lifeline's own (a version it cannot read,
 * a request it cannot name a host for), is reported once, and leaves the call to the library, as
 * without the agent: fail-open.
 *
 * @param <A> the library's API as Lifeline reaches it by reflection
 */
public final class LibraryApis<A> extends ClassValue<A> {

    /** Looks up a library's methods from one of its classes. */
    public interface Factory<A> {
        A create(Class<?> type) throws ReflectiveOperationException;
    }

    /** Reads one request from the woven method's arguments; null when Lifeline does not act on it. */
    public interface RequestReader<A> {
        LibraryCall read(A api, Object[] args) throws Exception;
    }

    private final String library;
    private final Factory<A> factory;

    public LibraryApis(String library, Factory<A> factory) {
        this.library = library;
        this.factory = factory;
    }

    @Override
    protected A computeValue(Class<?> type) {
        try {
            return factory.create(type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LifelineLog.internalError(library + " " + type.getName(), e);
            return null;
        }
    }

    /**
     * The API of {@code target}'s class when Lifeline acts on a call now, else null: Lifeline's
     * own attempt is running on this thread (the woven method must run its own body), HTTP
     * support is off, or the class could not be read.
     */
    public A forCall(Object target) {
        if (LibraryCall.insideAttempt() || !LibraryCall.active()) {
            return null;
        }
        return get(target.getClass());
    }

    /**
     * The call as Lifeline acts on it, or null to leave it to the library. A failure while
     * reading the request (also a checked one the library threw, a request URI that does not
     * parse) is reported as {@code what} and leaves it to the library.
     */
    public LibraryCall call(String what, A api, Object[] args, RequestReader<A> reader) {
        try {
            return reader.read(api, args);
        } catch (Exception e) {
            LifelineLog.internalError(what, e);
            return null;
        }
    }

    /** Closes a response the application will not get (a retry follows); one that will not close is the client's to clean up. */
    public static void discard(Object response) {
        if (response instanceof Closeable) {
            try {
                ((Closeable) response).close();
            } catch (Exception ignored) {
                // the retry goes on
            }
        }
    }
}
