package dev.lifeline.jdbc;

/**
 * Implemented by every wrapper class Lifeline generates ({@link WrapperGenerator}): how a new
 * wrapper object, allocated without running the driver's constructor, is tied to the core that
 * holds its state. The {@code $} in the names keeps them clear of any driver method.
 */
public interface LifelineWrapper {

    /** The core given to {@link #lifeline$new} when this wrapper was made (null on a prototype). */
    Object lifeline$core();

    /**
     * A new wrapper of this object's own class, bound to {@code core}. Called on the one unbound
     * instance each generated class has (its {@link WrapperType}'s prototype): a virtual call whose
     * body allocates a constant class, which the JIT inlines, where a method handle held in a field
     * is not.
     */
    Object lifeline$new(Object core);

    /**
     * For the generated {@link #lifeline$new}: an instance of {@code wrapperClass} without running a
     * constructor (the driver's would open a second session). Only Lifeline's wrapper classes.
     */
    static Object allocate(Class<?> wrapperClass) {
        return WrapperType.allocate(wrapperClass);
    }
}
