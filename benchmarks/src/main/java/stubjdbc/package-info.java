/**
 * A JDBC driver that does no I/O ({@code jdbc:stub:...}): connections, statements and result sets
 * answer from memory, so a micro-benchmark of the calls through it measures only what sits
 * between the caller and the driver (Lifeline's wrappers, HikariCP's proxies).
 *
 * <p>It lives outside {@code dev.lifeline} on purpose: the agent never weaves its own packages, and
 * this driver must be treated like any third-party driver.
 */
package stubjdbc;
