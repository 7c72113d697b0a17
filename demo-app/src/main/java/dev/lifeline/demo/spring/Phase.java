package dev.lifeline.demo.spring;

import java.time.Duration;

/** One stretch of load on the service under one fault. */
public final class Phase {

    public final String name;
    public final Fault fault;
    /** How long the clients run (a restart schedule may make it longer: the phase waits for the server). */
    public final Duration duration;
    /** The clients' pause between two requests, drawn from [pauseMin, pauseMax]. */
    public final Duration pauseMin;
    public final Duration pauseMax;
    /**
     * Besides the looping clients, a new visitor sends one request this often (zero: none). While the
     * server is down the looping clients are all stuck in requests begun before; visitors are the
     * requests that start during the outage.
     */
    public final Duration arrivalEvery;

    public Phase(String name, Fault fault, Duration duration, Duration pauseMin, Duration pauseMax, Duration arrivalEvery) {
        this.name = name;
        this.fault = fault;
        this.duration = duration;
        this.pauseMin = pauseMin;
        this.pauseMax = pauseMax;
        this.arrivalEvery = arrivalEvery;
    }

    /** Busy clients: a short think time between requests, as users clicking through pages. */
    public static Phase busy(String name, Fault fault, Duration duration) {
        return new Phase(name, fault, duration, Duration.ofMillis(5), Duration.ofMillis(25), Duration.ZERO);
    }

    /** Busy clients, and a new visitor with one request every {@code arrivalEvery}. */
    public static Phase busyWithVisitors(String name, Fault fault, Duration duration, Duration arrivalEvery) {
        return new Phase(name, fault, duration, Duration.ofMillis(5), Duration.ofMillis(25), arrivalEvery);
    }

    /** Clients that each pause {@code pause} between two requests, so the pool's connections sit idle that long. */
    public static Phase idleGaps(String name, Fault fault, Duration duration, Duration pause) {
        return new Phase(name, fault, duration, pause, pause, Duration.ZERO);
    }
}
