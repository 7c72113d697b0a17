package dev.lifeline.jdbc;

/**
 * Implemented by every wrapper class Lifeline generates ({@link WrapperGenerator}): how a new
 * wrapper object, allocated without running the driver's constructor, is tied to the core that
 * holds its state. The {@code $} in the names keeps them clear of any driver method.
 */
public interface LifelineWrapper {

    /** Called once, right after allocation, with the object's core. */
    void lifeline$bind(Object core);

    /** The core given to {@link #lifeline$bind}. */
    Object lifeline$core();
}
